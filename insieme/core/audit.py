"""One audit mechanism for the whole platform, built on django-auditlog.

* Changes: models registered with `auditlog.register` get a log row (fields, old -> new) on every
  save and delete. Services run under `@service`, which opens a transaction and names the actor,
  so each row says who made the change.
* Reads of sensitive personal records: `log_access`.
* Events that are not a field change (an invitation, a merge, an export): `log_event`.

Log rows are read-only in the admin and no view of ours writes or edits them.
"""

import functools
from collections.abc import Callable
from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import models, transaction


def service[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run a write service atomically, attributing every audited change to `by`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if "by" not in kwargs:
            raise TypeError(f"{func.__name__}() needs the acting user as by=")
        with transaction.atomic(), set_actor(kwargs["by"]):
            return func(*args, **kwargs)

    return wrapper


def log_access(instance: models.Model, *, by: Any, what: str = "") -> LogEntry:
    """Record that `by` read `instance` (e.g. special-category data)."""
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=by if getattr(by, "is_authenticated", False) else None,
        changes={},
        additional_data={"what": what} if what else None,
    )


def log_event(
    instance: models.Model, *, by: Any, event: str, details: dict | None = None
) -> LogEntry:
    """Record an action on `instance` that is not a plain field change."""
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=by if getattr(by, "is_authenticated", False) else None,
        changes={},
        additional_data={"event": event, **(details or {})},
    )


def history(instance: models.Model):
    """Log rows for one object, newest first, with their actors."""
    return LogEntry.objects.get_for_object(instance).select_related("actor").order_by("-timestamp")
