"""The events fire from the owning apps' services, so the web pages send them too, not only the
API. Each test drives the service itself and watches a real HTTP receiver on 127.0.0.1."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from insieme.api.models import DeliveryStatus, WebhookDelivery
from insieme.api.tests.support import events
from insieme.calls import services as calls_services
from insieme.calls.tests.helpers import close, eligible, make_call, submitted
from insieme.employment.tests import factories as employment_factories
from insieme.grants import services as grant_services
from insieme.grants.services import TranchePlan
from insieme.projects.services import record_committee_decision
from insieme.projects.tests import factories as project_factories


def test_submitting_and_withdrawing_in_the_calls_app(
    applicant, subscribed, receiver, django_capture_on_commit_callbacks
):
    call = make_call()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(call, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        calls_services.withdraw_application(application, by=applicant)
    (first, first_data), (second, second_data) = events(receiver)
    assert (first, first_data["application"]["status"]) == ("application.submitted", "presentata")
    assert first_data["application"]["code"] == application.code
    assert (second, second_data["application"]["status"]) == (
        "application.outcome_decided",
        "ritirata",
    )
    assert second_data["application"]["outcome_date"] == application.outcome_date.isoformat()
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2


def test_screening_that_finds_it_ineligible_decides_the_outcome(
    applicant, operator, subscribed, receiver, django_capture_on_commit_callbacks
):
    call = make_call()
    application = submitted(call, applicant)
    results = [(item, False, "Sede fuori area") for item in call.eligibility_items.all()]
    with django_capture_on_commit_callbacks(execute=True):
        calls_services.record_screening(application, results, by=operator)
    ((event, data),) = events(receiver)
    assert (event, data["application"]["status"]) == (
        "application.outcome_decided",
        "non_ammissibile",
    )


def test_eligible_screening_sends_nothing(
    applicant, operator, subscribed, receiver, django_capture_on_commit_callbacks
):
    call = make_call()
    application = submitted(call, applicant)
    results = [(item, True, "") for item in call.eligibility_items.all()]
    with django_capture_on_commit_callbacks(execute=True):
        calls_services.record_screening(application, results, by=operator)
    assert events(receiver) == []


def test_the_committee_decision_sends_every_outcome(
    applicant, operator, subscribed, receiver, django_capture_on_commit_callbacks
):
    call = make_call()
    application = eligible(call, applicant, operator)
    close(call)
    with django_capture_on_commit_callbacks(execute=True):
        record_committee_decision(call, by=operator, admitted=[])
    ((event, data),) = events(receiver)
    assert event == "application.outcome_decided"
    assert (data["application"]["id"], data["application"]["status"]) == (
        application.pk,
        "non_selezionata",
    )


def test_recording_a_placement(operator, subscribed, receiver, django_capture_on_commit_callbacks):
    person = employment_factories.person()
    with django_capture_on_commit_callbacks(execute=True):
        placement = employment_factories.placement(person, by=operator)
    ((event, data),) = events(receiver)
    assert event == "placement.recorded"
    assert data["placement"]["id"] == placement.pk
    assert data["placement"]["contract_type"] == "determinato"
    assert data["placement"]["start_date"] == "2026-01-12"
    # No personal data travels: identifiers only.
    assert "person" not in data["placement"]
    assert person.fiscal_code not in json.dumps(data)


def test_paying_a_tranche(operator, subscribed, receiver, django_capture_on_commit_callbacks):
    grant = grant_services.award_grant(
        application=project_factories.project().application,
        fund=project_factories.fund("10000.00"),
        amount=Decimal("4000.00"),
        awarded_on=date(2025, 3, 1),
        tranches=[TranchePlan(amount=Decimal("4000.00"))],
        by=operator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        disbursement = grant_services.pay_tranche(
            tranche=grant.tranches.get(), paid_on=date(2025, 4, 1), by=operator
        )
    ((event, data),) = events(receiver)
    assert event == "disbursement.paid"
    assert data["disbursement"] == {
        "id": disbursement.pk,
        "code": disbursement.code,
        "grant": grant.pk,
        "tranche": grant.tranches.get().pk,
        "paid_on": "2025-04-01",
        "amount": "4000.00",
    }


def test_a_refused_payment_sends_nothing(
    operator, subscribed, receiver, django_capture_on_commit_callbacks
):
    grant = grant_services.award_grant(
        application=project_factories.project().application,
        fund=project_factories.fund("10000.00"),
        amount=Decimal("1000.00"),
        awarded_on=date(2025, 3, 1),
        tranches=[TranchePlan(amount=Decimal("1000.00"))],
        by=operator,
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        grant_services.record_disbursement(
            grant=grant,
            tranche=grant.tranches.first(),
            paid_on=date(2025, 4, 1),
            amount=Decimal("5000.00"),
            by=operator,
        )
    assert events(receiver) == []
    assert WebhookDelivery.objects.count() == 0
