"""Every log handler masks codici fiscali: Django's request lines and gunicorn's access log too.

A code typed into a search box arrives in the query string, which runserver ("django.server")
and gunicorn's access log write out with each request line.
"""

import http.client
import io
import logging
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from insieme.core.logging import MASK, MaskFiscalCodes
from tests.faults.helpers import BASE_DIR, child_env, free_port

CODE = "RSSMRA80A01A944I"


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def configured_handlers() -> list[tuple[str, logging.Handler]]:
    loggers = [("root", logging.getLogger())]
    loggers += [
        (name, logger)
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    ]
    return [(name, handler) for name, logger in loggers for handler in logger.handlers]


def test_every_handler_of_every_logger_masks_codes():
    checked = []
    for name, handler in configured_handlers():
        if type(handler).__module__.startswith("_pytest") or isinstance(
            handler, logging.NullHandler
        ):
            continue  # pytest's own capture, or a library's handler that writes nothing
        if getattr(handler, "baseFilename", None) == str(settings.SUITE_LOG_FILE):
            continue  # the suite's detector (tests/security/log_scan.py) must see codes
        assert any(isinstance(f, MaskFiscalCodes) for f in handler.filters), (name, handler)
        checked.append(name)
    # Django's request logger has its handler from settings.LOGGING, not the default one.
    assert "django.server" in checked
    # Django's "django" logger writes through the root's handlers only.
    assert logging.getLogger("django").handlers == []


def test_runserver_request_lines_are_masked():
    # runserver's server and request handler, serving the application object of config.wsgi
    # (importing config.wsgi would set Django and its logging up a second time).
    app = WSGIHandler()
    handler = logging.getLogger("django.server").handlers[0]
    written = io.StringIO()
    stream = handler.setStream(written)
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/non-esiste/?q={CODE}&altro={CODE.lower()}")
        response = connection.getresponse()
        response.read()
        status = response.status
        connection.close()
        deadline = time.monotonic() + 10
        while not written.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)  # the line is written just after the response is sent
    finally:
        server.shutdown()
        server.server_close()
        handler.setStream(stream)
    assert status == 404
    line = written.getvalue()
    assert f"GET /non-esiste/?q={MASK}&altro={MASK} HTTP/1.1" in line
    assert CODE not in line.upper()


def test_the_gunicorn_access_log_of_make_serve_is_masked():
    assert "--config config/gunicorn.py" in (BASE_DIR / "Makefile").read_text()
    port = free_port()
    env = child_env()
    # The child writes the suite's log file of its own (settings.SUITE_LOG_FILE), not this one's.
    for name in ("PYTEST_XDIST_TESTRUNUID", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while get(f"http://127.0.0.1:{port}/non-esiste/") == 0:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        get(f"http://127.0.0.1:{port}/?q={CODE}")
        time.sleep(0.5)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    log_dir = Path(settings.SUITE_LOG_FILE).parent
    for leftover in log_dir.glob(f"test-{proc.pid}-*.log"):
        leftover.unlink()
    assert f"GET /?q={MASK} HTTP/1.1" in out, out + err
    assert CODE not in out + err
    # Logged once, not twice (the start-up probes may be logged any number of times: one that
    # timed out on a busy machine is still served and logged).
    assert out.count(f"GET /?q={MASK} HTTP/1.1") == 1, out
