"""Text messages behind a small interface: `settings.SMS_BACKEND` names a class with
`send_messages(messages) -> int`. A provider plugs in by writing such a class and naming it there.

- `ConsoleBackend` (development): logs that a message left, without the number or the text;
- `LocmemBackend` (tests): keeps the messages in `outbox`, as Django's `mail.outbox`.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.tasks import task
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sms:
    to: str  # E.164
    text: str


class BaseBackend:
    def send_messages(self, messages: list[Sms]) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes one line per message to the log: its length only (no number, no text)."""

    def send_messages(self, messages: list[Sms]) -> int:
        for message in messages:
            logger.info("SMS sent (%d characters)", len(message.text))
        return len(messages)


outbox: list[Sms] = []


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[Sms]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


@task()
def send_sms(*, to: str, text: str) -> int:
    """Send one text message from the worker."""
    return get_backend().send_messages([Sms(to=to, text=text)])
