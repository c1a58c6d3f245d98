"""Events go down: a domain service records what happened, the apps above it subscribe.

Writing. A service calls `emit(name, payload, obj=..., actor=...)` inside its own transaction:
the `Event` row (the outbox) commits or rolls back with the change it describes, so a subscriber
never hears of a change that did not happen, and never misses one that did. The payload is JSON
(identifiers, codes, statuses, dates; no personal data: webhooks send it outside as it is).

Subscribing. An app that wants to hear of an event registers a handler in its
`AppConfig.ready()`: `subscribe("application.submitted", handler, name="webhooks")`. The name
identifies the subscriber in the deliveries, so it must stay the same from one release to the
next. A handler receives the `Event` and runs in its own transaction.

Delivering. At the commit, `emit` enqueues `dispatch` (a task of the worker). Should the task
be lost (the worker down, a crash before it ran), `sweep()` - `manage.py dispatch_events`, run
by cron every minute - delivers every event that has not been dispatched yet. Both end in
`deliver(event)`, which may run in any number of workers at once.

At most once per subscriber. Before a handler runs, its `EventDelivery(event, subscriber)` is
written and committed on its own (a unique constraint on the pair): the worker whose insert
succeeds runs the handler, every other one gets the constraint's error and skips it (on
PostgreSQL the second insert waits for the first to commit, then fails). The handler's writes
and the delivery's `done` status commit together in one transaction, so:

* `done`: the handler ran to the end and its database writes are committed;
* `failed`: the handler raised; its database writes were rolled back, the error is recorded, and
  it is not run again (its subscriber retries on its own if it wants to, as webhooks do);
* `running` long after `started_at`: the worker died inside the handler. Its database writes were
  rolled back with it, what it did outside (an e-mail, an HTTP call) may or may not have
  happened, and the handler is not run again: `sweep()` marks it `failed` ("interrupted").

So a handler runs at most once for each event, never twice, even across crashes; one that must
not be lost keeps its own retries (its writes, e.g. a webhook delivery row, are committed before
it returns). `deliver` must run outside a transaction (the task and the command do), or its
claims commit only with the caller.
"""

import datetime
import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.tasks import task
from django.utils import timezone

from insieme.core.models import Event, EventDelivery

logger = logging.getLogger(__name__)

Handler = Callable[[Event], object]

# A delivery still running after this long belongs to a worker that died.
INTERRUPTED_AFTER = datetime.timedelta(hours=1)

_subscribers: dict[str, dict[str, Handler]] = {}


def subscribe(event: str, handler: Handler, *, name: str) -> None:
    """Run `handler(event)` after the commit of every `event`, once, as subscriber `name`.
    Registering the same name again replaces the handler (a reloaded `ready()`)."""
    _subscribers.setdefault(event, {})[name] = handler


def unsubscribe(event: str, *, name: str) -> None:
    _subscribers.get(event, {}).pop(name, None)


def subscribers(event: str) -> dict[str, Handler]:
    """The handlers of `event`, by subscriber name."""
    return dict(_subscribers.get(event, {}))


def _current_actor() -> Any:
    # The actor that `insieme.core.audit.service` names for the audit log.
    from auditlog.context import auditlog_value

    try:
        return auditlog_value.get().get("actor")
    except LookupError:
        return None


def emit(
    name: str,
    payload: dict[str, Any],
    *,
    obj: models.Model | None = None,
    actor: Any = None,
) -> Event:
    """Record `name` in the outbox, in the caller's transaction; dispatched after its commit.
    The actor defaults to the one the running `@service` acts as."""
    actor = actor if actor is not None else _current_actor()
    event = Event.objects.create(
        name=name,
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        actor_id=getattr(actor, "pk", None),
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
    )
    transaction.on_commit(functools.partial(dispatch.enqueue, event.pk))
    return event


def _claim(event: Event, subscriber: str) -> EventDelivery | None:
    """The delivery, written and committed; None when another worker has claimed it."""
    try:
        with transaction.atomic():
            return EventDelivery.objects.create(
                event=event, subscriber=subscriber, status=EventDelivery.Status.RUNNING
            )
    except IntegrityError:
        return None


def _run(delivery: EventDelivery, handler: Handler) -> None:
    try:
        with transaction.atomic():
            handler(delivery.event)
            EventDelivery.objects.filter(pk=delivery.pk).update(
                status=EventDelivery.Status.DONE, finished_at=timezone.now()
            )
    except Exception as error:
        logger.exception("event %s: subscriber %s failed", delivery.event, delivery.subscriber)
        EventDelivery.objects.filter(pk=delivery.pk).update(
            status=EventDelivery.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )


def deliver(event: Event) -> int:
    """Run every subscriber of `event` that no worker has claimed yet; how many ran here."""
    handlers = subscribers(event.name)
    ran = 0
    for subscriber, handler in handlers.items():
        delivery = _claim(event, subscriber)
        if delivery is not None:
            _run(delivery, handler)
            ran += 1
    claimed = set(event.deliveries.values_list("subscriber", flat=True))
    if claimed >= set(handlers):
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
    return ran


@task()
def dispatch(event_id: int) -> int:
    """The worker's delivery of one event, enqueued at the commit that recorded it."""
    event = Event.objects.filter(pk=event_id).first()
    return deliver(event) if event is not None else 0


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Deliver every event not dispatched yet (a task lost, a subscriber added since), oldest
    first, and mark the deliveries of dead workers failed. How many handlers ran."""
    now = now or timezone.now()
    EventDelivery.objects.filter(
        status=EventDelivery.Status.RUNNING, started_at__lt=now - INTERRUPTED_AFTER
    ).update(
        status=EventDelivery.Status.FAILED,
        finished_at=now,
        error="interrupted: the worker stopped while the handler ran",
    )
    ran = 0
    for event in Event.objects.filter(dispatched_at__isnull=True).order_by("pk").iterator():
        ran += deliver(event)
    return ran
