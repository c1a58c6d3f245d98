"""Webhooks delivered to a real HTTP server on 127.0.0.1 (the outside world of these tests),
and the write endpoints that emit them."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from insieme.api import webhooks
from insieme.api.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from insieme.api.tests.support import SECRET, Receiver
from insieme.calls.models import ApplicationStatus
from insieme.calls.tests.helpers import complete, make_call, start


@pytest.fixture
def endpoint(db, receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="Regione",
        url=receiver.url,
        events=[Event.APPLICATION_SUBMITTED, Event.OUTCOME_DECIDED],
        secret=SECRET,
    )


def test_the_api_subscribes_to_every_event_the_domains_emit():
    from insieme.calls import events as calls_events
    from insieme.core import events
    from insieme.grants import events as grants_events
    from insieme.placements import events as placement_events

    emitted = {
        calls_events.APPLICATION_SUBMITTED,
        calls_events.OUTCOME_DECIDED,
        placement_events.PLACEMENT_RECORDED,
        grants_events.DISBURSEMENT_PAID,
        grants_events.DISBURSEMENT_CANCELLED,
        grants_events.GRANT_REVOKED,
    }
    assert emitted == set(Event.values)
    for name in Event.values:
        assert events.subscribers(name)[webhooks.SUBSCRIBER] is webhooks.on_event


def test_a_domain_event_reaches_the_endpoint_once(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    from insieme.core import events

    with django_capture_on_commit_callbacks(execute=True):
        event = events.emit(Event.OUTCOME_DECIDED, {"application": {"id": 7}})
    assert events.sweep() == 0  # delivered once, after the commit; the sweep finds nothing
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.status, delivery.payload) == ("delivered", {"application": {"id": 7}})
    assert len(receiver.received) == 1
    assert event.deliveries.get(subscriber=webhooks.SUBSCRIBER).status == "done"


def test_signature_round_trip():
    body = b'{"a": 1}'
    header = webhooks.sign(SECRET, 1_700_000_000, body)
    assert webhooks.verify(SECRET, header, body, now=1_700_000_100)
    assert not webhooks.verify("altro", header, body, now=1_700_000_100)
    assert not webhooks.verify(SECRET, header, b'{"a": 2}', now=1_700_000_100)
    # Too old: a replay.
    assert not webhooks.verify(SECRET, header, body, now=1_700_009_000)
    assert not webhooks.verify(SECRET, "garbage", body)


def test_emit_delivers_a_signed_event(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhooks.emit(Event.OUTCOME_DECIDED, {"application": {"id": 7}})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.response_status) == (1, 200)
    (request,) = receiver.received
    headers = request["headers"]
    assert headers["Insieme-Event"] == "application.outcome_decided"
    assert webhooks.verify(SECRET, headers["Insieme-Signature"], request["body"])
    body = json.loads(request["body"])
    assert body["data"] == {"application": {"id": 7}}
    assert body["id"] == delivery.pk


def test_only_subscribed_active_endpoints_receive(endpoint, receiver, db):
    WebhookEndpoint.objects.create(
        name="Spento", url=receiver.url, events=[Event.PLACEMENT_RECORDED], is_active=False
    )
    assert webhooks.emit(Event.PLACEMENT_RECORDED, {}) == []
    assert WebhookDelivery.objects.count() == 0


def test_failures_are_retried_with_exponential_backoff(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]
    start_time = timezone.now()
    with (
        time_machine.travel(start_time, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (delivery,) = webhooks.emit(Event.APPLICATION_SUBMITTED, {"n": 1})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at == start_time + datetime.timedelta(seconds=60)

    # Not yet due: nothing is sent.
    assert webhooks.retry_due(now=start_time + datetime.timedelta(seconds=30)) == 0
    second = start_time + datetime.timedelta(seconds=61)
    with time_machine.travel(second, tick=False):
        assert webhooks.retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("retrying", 2, 503)
    assert delivery.next_attempt_at == second + datetime.timedelta(seconds=120)

    with time_machine.travel(second + datetime.timedelta(seconds=121), tick=False):
        assert webhooks.retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert len(receiver.received) == 3
    # Each attempt is signed anew, and every signature checks out.
    for request in receiver.received:
        assert webhooks.verify(SECRET, request["headers"]["Insieme-Signature"], request["body"])


def test_gives_up_after_the_last_attempt(endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500] * webhooks.MAX_ATTEMPTS
    moment = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhooks.emit(Event.APPLICATION_SUBMITTED, {})
    for _ in range(webhooks.MAX_ATTEMPTS - 1):
        moment += datetime.timedelta(days=1)
        with time_machine.travel(moment, tick=False):
            webhooks.retry_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, webhooks.MAX_ATTEMPTS)
    assert webhooks.retry_due(now=moment + datetime.timedelta(days=1)) == 0


def test_unreachable_endpoint_is_logged(db, django_capture_on_commit_callbacks):
    with Receiver() as closed:
        url = closed.url
    WebhookEndpoint.objects.create(name="Giù", url=url, events=[Event.DISBURSEMENT_PAID])
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhooks.emit(Event.DISBURSEMENT_PAID, {})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.response_status is None
    assert delivery.last_error


# --- write endpoints: transitions through the calls app's services -------------------------------


def test_applicant_submits_through_the_api_and_the_webhook_fires(
    cast, api_as, endpoint, receiver, django_capture_on_commit_callbacks
):
    applicant = cast["applicant"]
    draft = complete(start(make_call(), applicant), applicant)
    api = api_as(applicant, scopes=("read", "write"))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"applications/{draft.pk}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ApplicationStatus.SUBMITTED
    (request,) = receiver.received
    data = json.loads(request["body"])["data"]["application"]
    assert (data["id"], data["status"]) == (draft.pk, "presentata")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"applications/{draft.pk}/withdraw")
    assert response.json()["status"] == ApplicationStatus.WITHDRAWN
    assert json.loads(receiver.received[1]["body"])["event"] == "application.outcome_decided"


def test_invalid_transition_gets_the_services_message(cast, api_as, endpoint):
    applicant = cast["applicant"]
    draft = start(make_call(), applicant)
    response = api_as(applicant, scopes=("read", "write")).post(f"applications/{draft.pk}/submit")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "incomplete"
    assert body["message"].startswith("La candidatura è incompleta")
    # The calls services translate eagerly (gettext); the API still answers in English too.
    assert body["message_en"].startswith("The application is incomplete: ")
    assert body["message_en"] != body["message"]
    assert WebhookDelivery.objects.count() == 0


def test_a_closed_call_is_explained_in_both_languages(cast, api_as):
    applicant = cast["applicant"]
    call = make_call()
    draft = complete(start(call, applicant), applicant)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save(update_fields=["closes_at"])
    response = api_as(applicant, scopes=("read", "write")).post(f"applications/{draft.pk}/submit")
    assert response.status_code == 409
    body = response.json()
    closes = timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")
    assert body["code"] == "call_closed"
    assert body["message"] == f"La scadenza è passata: il bando si è chiuso il {closes}."
    assert body["message_en"] == f"The deadline has passed: the call closed on {closes}."


def test_operator_cannot_submit_for_the_applicant(cast, api_as):
    applicant = cast["applicant"]
    draft = complete(start(make_call(), applicant), applicant)
    response = api_as(cast["operator"], scopes=("read", "write")).post(
        f"applications/{draft.pk}/submit"
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize("role", ["coach", "evaluator", "funder", "partner", "outsider"])
def test_others_cannot_even_see_the_application(role, cast, api_as):
    applicant = cast["applicant"]
    draft = complete(start(make_call(), applicant), applicant)
    api = api_as(cast[role], scopes=("read", "write"))
    assert api.post(f"applications/{draft.pk}/submit").status_code == 404
    assert api.post(f"applications/{draft.pk}/withdraw").status_code == 404


def test_administrator_registers_an_endpoint_in_the_admin(client_as, admin_user):
    client = client_as(admin_user)
    response = client.post(
        "/admin/api/webhookendpoint/add/",
        {
            "name": "Comune",
            "url": "https://servizi.example.org/hook",
            "events": ["placement.recorded", "disbursement.paid"],
            "secret": "abc",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    endpoint = WebhookEndpoint.objects.get(name="Comune")
    assert endpoint.events == ["placement.recorded", "disbursement.paid"]
    assert client.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/").status_code == 200
    assert client.get("/admin/api/webhookdelivery/").status_code == 200


def test_the_admin_is_for_administrators_only(client_as, operator):
    assert client_as(operator).get("/admin/api/webhookendpoint/").status_code == 302


@pytest.fixture
def worker_backend():
    """The production backend schedules tasks for later (django_tasks_db); the dummy backend
    does too and records what was scheduled, without running it."""
    from django.tasks import task_backends
    from django.tasks.backends.dummy import DummyBackend

    original = task_backends["default"]
    dummy = DummyBackend("default", {"QUEUES": ["default"]})
    task_backends["default"] = dummy
    yield dummy
    task_backends["default"] = original


def test_the_worker_schedules_the_retry_after_the_backoff(endpoint, receiver, worker_backend):
    receiver.statuses = [500]
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=Event.APPLICATION_SUBMITTED, payload={}
    )
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        assert webhooks.deliver.call(delivery.pk) == DeliveryStatus.RETRYING
    (scheduled,) = worker_backend.results
    assert scheduled.task.func is webhooks.deliver.func
    assert scheduled.args == [delivery.pk]
    assert scheduled.task.run_after == moment + datetime.timedelta(seconds=webhooks.BACKOFF_BASE)
