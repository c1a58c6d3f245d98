"""The grants service's other money events: a payment cancelled, a grant reduced or revoked.
Driven through the service (the web pages call it), watched on a real HTTP receiver."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from insieme.api import webhooks
from insieme.api.models import Event, WebhookDelivery, WebhookEndpoint
from insieme.api.tests.support import SECRET, events
from insieme.grants import services as grant_services
from insieme.grants.models import RevocationKind
from insieme.grants.services import TranchePlan
from insieme.projects.tests import factories as project_factories


@pytest.fixture
def grant(operator):
    return grant_services.award_grant(
        application=project_factories.project().application,
        fund=project_factories.fund("10000.00"),
        amount=Decimal("4000.00"),
        awarded_on=date(2025, 3, 1),
        tranches=[TranchePlan(amount=Decimal("4000.00"))],
        by=operator,
    )


def test_cancelling_a_payment_sends_disbursement_cancelled(
    operator,
    grant,
    subscribed,
    receiver,
    django_capture_on_commit_callbacks,
):
    paid = grant_services.pay_tranche(
        tranche=grant.tranches.get(), paid_on=date(2025, 4, 1), by=operator
    )
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = grant_services.cancel_disbursement(
            disbursement=paid, reason="Importo sbagliato, Mario Rossi", by=operator
        )
    ((event, data),) = events(receiver)
    assert event == "disbursement.cancelled"
    assert data == {
        "disbursement": {
            "id": paid.pk,
            "code": paid.code,
            "grant": grant.pk,
            "tranche": grant.tranches.get().pk,
            "paid_on": "2025-04-01",
            "amount": "4000.00",
            "cancelled_at": cancelled.cancelled_at.isoformat(),
        }
    }
    # The reason is free text: it stays in the programme.
    assert "Rossi" not in receiver.received[0]["body"].decode()
    request = receiver.received[0]
    assert request["headers"]["Insieme-Event"] == "disbursement.cancelled"
    assert webhooks.verify(SECRET, request["headers"]["Insieme-Signature"], request["body"])
    assert not webhooks.verify(
        "another secret", request["headers"]["Insieme-Signature"], request["body"]
    )


def test_a_refused_cancellation_sends_nothing(
    operator,
    grant,
    subscribed,
    receiver,
    django_capture_on_commit_callbacks,
):
    paid = grant_services.pay_tranche(
        tranche=grant.tranches.get(), paid_on=date(2025, 4, 1), by=operator
    )
    WebhookDelivery.objects.all().delete()
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        grant_services.cancel_disbursement(disbursement=paid, reason="  ", by=operator)
    assert events(receiver) == []
    assert WebhookDelivery.objects.count() == 0


def test_a_reduction_and_a_revocation_send_grant_revoked_with_the_amounts(
    operator,
    grant,
    subscribed,
    receiver,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        reduction = grant_services.revoke_grant(
            grant=grant,
            kind=RevocationKind.REDUCTION,
            decided_on=date(2025, 5, 2),
            reason="Spese non ammesse",
            amount=Decimal("500.10"),
            by=operator,
        )
    with django_capture_on_commit_callbacks(execute=True):
        revocation = grant_services.revoke_grant(
            grant=grant,
            kind=RevocationKind.REVOCATION,
            decided_on=date(2025, 6, 3),
            reason="Attività cessata",
            by=operator,
        )
    (first, first_data), (second, second_data) = events(receiver)
    assert first == second == "grant.revoked"
    assert first_data == {
        "revocation": {
            "id": reduction.pk,
            "kind": "riduzione",
            "amount": "500.10",
            "decided_on": "2025-05-02",
        },
        "grant": {
            "id": grant.pk,
            "code": grant.code,
            "amount_awarded": "4000.00",
            "amount_revoked": "500.10",
            "net_amount": "3499.90",
        },
    }
    # Revoking everything not paid: nothing was paid, so the rest of the award.
    assert second_data["revocation"] == {
        "id": revocation.pk,
        "kind": "revoca",
        "amount": "3499.90",
        "decided_on": "2025-06-03",
    }
    assert second_data["grant"]["net_amount"] == "0.00"
    assert "Spese" not in json.dumps([first_data, second_data])


def test_endpoints_receive_only_the_events_they_chose(
    operator,
    grant,
    receiver,
    django_capture_on_commit_callbacks,
):
    WebhookEndpoint.objects.create(
        name="Fondazione",
        url=receiver.url,
        events=[Event.GRANT_REVOKED.value],
        secret=SECRET,
    )
    with django_capture_on_commit_callbacks(execute=True):
        paid = grant_services.pay_tranche(
            tranche=grant.tranches.get(),
            paid_on=date(2025, 4, 1),
            amount=Decimal("1000.00"),
            by=operator,
        )
        grant_services.cancel_disbursement(disbursement=paid, reason="Errore", by=operator)
        grant_services.revoke_grant(
            grant=grant,
            kind=RevocationKind.REDUCTION,
            decided_on=date(2025, 5, 2),
            reason="Spese non ammesse",
            amount=Decimal("100.00"),
            by=operator,
        )
    assert [event for event, _data in events(receiver)] == ["grant.revoked"]


def test_the_rolled_back_revocation_sends_nothing(
    operator,
    grant,
    subscribed,
    receiver,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        grant_services.revoke_grant(
            grant=grant,
            kind=RevocationKind.REDUCTION,
            decided_on=date(2025, 5, 2),
            reason="Troppo",
            amount=Decimal("4000.01"),
            by=operator,
        )
    assert events(receiver) == []
