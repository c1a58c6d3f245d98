"""What the API's tests share: the roles of the cast, the answer a refused role gets, and a
real HTTP server on 127.0.0.1 standing for the outside system that receives webhooks."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from insieme.api import webhooks

ROLES = ["operator", "coach", "evaluator", "funder", "applicant", "partner", "admin", "outsider"]
FORBIDDEN = {
    "code": "forbidden",
    "message": "Il tuo ruolo non consente questa azione.",
    "message_en": "Your role does not allow this action.",
    "fields": {},
}

SECRET = "segreto-condiviso-di-prova"


class Receiver:
    """A local HTTP server that records what it receives and answers with the next status."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def events(receiver: Receiver) -> list[tuple[str, dict]]:
    """The (event, data) pairs received, each checked for its signature."""
    seen = []
    for request in receiver.received:
        assert webhooks.verify(SECRET, request["headers"]["Insieme-Signature"], request["body"])
        body = json.loads(request["body"])
        assert request["headers"]["Insieme-Event"] == body["event"]
        seen.append((body["event"], body["data"]))
    return seen
