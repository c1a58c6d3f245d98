"""The events outbox: recorded with the change, delivered after the commit, each delivery at
most once per subscriber, also with several workers draining the outbox at the same time."""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from insieme.core import events
from insieme.core.audit import service
from insieme.core.models import Comune, Event, EventDelivery

NAME = "test.happened"
BOLOGNA = "037006"


class Recorder:
    """A subscriber that remembers what it was handed (thread-safe)."""

    def __init__(self, name: str, *, fail: bool = False, pause: float = 0.0) -> None:
        self.name = name
        self.fail = fail
        self.pause = pause
        self.seen: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.seen.append(event.pk)
        if self.pause:
            time.sleep(self.pause)
        # A write of the handler's own: committed with its `done`, rolled back with a failure.
        Comune.objects.filter(pk=BOLOGNA).update(region=f"{self.name} {event.pk}")
        if self.fail:
            raise RuntimeError("the outside system is down")


@pytest.fixture
def subscribed():
    recorders = [Recorder("first"), Recorder("second")]
    for recorder in recorders:
        events.subscribe(NAME, recorder, name=recorder.name)
    yield recorders
    for recorder in recorders:
        events.unsubscribe(NAME, name=recorder.name)


def _region() -> str:
    return Comune.objects.get(pk=BOLOGNA).region


def test_the_event_is_delivered_to_each_subscriber_after_the_commit(
    db, subscribed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = events.emit(NAME, {"when": datetime.date(2026, 3, 1)})
        assert [r.seen for r in subscribed] == [[], []]  # not before the commit
    assert [r.seen for r in subscribed] == [[event.pk], [event.pk]]
    event.refresh_from_db()
    assert event.payload == {"when": "2026-03-01"}
    assert event.dispatched_at is not None
    assert set(event.deliveries.values_list("subscriber", "status")) == {
        ("first", "done"),
        ("second", "done"),
    }


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_has_no_event(subscribed):
    def change_then_fail() -> None:
        with transaction.atomic():
            events.emit(NAME, {})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not Event.objects.exists()
    assert events.sweep() == 0
    assert [r.seen for r in subscribed] == [[], []]


def test_the_actor_of_the_service_is_recorded(operator):
    @service
    def do_something(*, by):
        return events.emit(NAME, {}, obj=Comune.objects.get(pk=BOLOGNA))

    event = do_something(by=operator)
    assert (event.actor_id, event.object_type.model, event.object_id) == (
        operator.pk,
        "comune",
        BOLOGNA,
    )


def test_a_lost_task_is_made_good_by_the_sweep(db, subscribed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = events.emit(NAME, {})
    assert len(callbacks) == 1  # the task that is never run
    assert events.sweep() == 2
    assert events.sweep() == 0  # dispatched: not again
    assert [r.seen for r in subscribed] == [[event.pk], [event.pk]]
    # The task arriving late finds nothing left to do.
    assert events.dispatch.call(event.pk) == 0


def test_a_failure_is_recorded_rolled_back_and_not_run_again(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed[1].fail = True
    with django_capture_on_commit_callbacks(execute=True):
        event = events.emit(NAME, {})
    first, second = (event.deliveries.get(subscriber=r.name) for r in subscribed)
    assert (first.status, second.status) == ("done", "failed")
    assert second.error == "RuntimeError: the outside system is down"
    assert _region() == f"first {event.pk}"  # the failed handler's write was rolled back
    assert events.sweep() == 0
    assert events.deliver(event) == 0
    assert [len(r.seen) for r in subscribed] == [1, 1]


def test_a_second_worker_skips_what_the_first_is_running(db, subscribed):
    event = Event.objects.create(name=NAME)
    inner: list[int] = []

    def reenter(evt: Event) -> None:
        # Another worker reaches the same event while this handler is still running.
        inner.append(events.deliver(evt))

    events.subscribe(NAME, reenter, name="third")
    try:
        assert events.deliver(event) == 3
    finally:
        events.unsubscribe(NAME, name="third")
    assert inner == [0]  # first and second were done; third was its own, claimed
    assert [r.seen for r in subscribed] == [[event.pk], [event.pk]]


def test_a_worker_that_died_in_the_handler_is_not_run_again(db, subscribed):
    event = Event.objects.create(name=NAME)
    EventDelivery.objects.create(
        event=event,
        subscriber="first",
        status=EventDelivery.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert events.sweep() == 1  # the second subscriber only
    stale = event.deliveries.get(subscriber="first")
    assert stale.status == EventDelivery.Status.FAILED
    assert stale.error.startswith("interrupted")
    assert [r.seen for r in subscribed] == [[], [event.pk]]


def test_the_command_sweeps(db, subscribed):
    from django.core.management import call_command

    Event.objects.create(name=NAME)
    call_command("dispatch_events")
    assert [len(r.seen) for r in subscribed] == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_the_outbox_deliver_each_event_once_per_subscriber(subscribed):
    """Two threads, each with its own database connection, sweep the same 30 events at once
    (as two worker processes would; on PostgreSQL the claims really race on the unique index)."""
    for recorder in subscribed:
        recorder.pause = 0.002
    # Written without their tasks, as if the worker had lost them all.
    Event.objects.bulk_create([Event(name=NAME, payload={"n": n}) for n in range(30)])
    start = threading.Barrier(2)
    ran: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            ran.append(events.sweep())
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(ran) == 60
    for recorder in subscribed:
        assert Counter(recorder.seen) == Counter(Event.objects.values_list("pk", flat=True))
    assert EventDelivery.objects.filter(status="done").count() == 60
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
    if connection.vendor == "postgresql":
        # Both workers took part: the race was real.
        assert min(ran) > 0, ran
