"""The committee's decision and its riesame through the API: the same gate as the pages."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls.models import ApplicationStatus, Call
from insieme.calls.tests.helpers import close, make_call
from insieme.core.money import eur
from insieme.evaluations.models import Assignment, Decision
from insieme.evaluations.tests.helpers import scored
from insieme.projects.services import record_committee_decision


@pytest.fixture
def call(db):
    return make_call(evaluators_per_application=1, budget=Decimal("50000.00"))


def test_no_decision_while_the_call_still_accepts_applications(
    api_as, operator, applicant, evaluator, call
):
    """Defect: the committee could record its decision while the call was still open."""
    application = scored(call, applicant, operator, evaluator, "Orto")
    closes = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    Call.objects.filter(pk=call.pk).update(closes_at=closes)
    api = api_as(operator, scopes=("read", "write"))
    with time_machine.travel(closes, tick=False):
        for body in (
            {"admitted": [application.pk]},
            {"admitted": [application.pk], "override_reason": "Urgenza"},
        ):
            response = api.post(f"calls/{call.pk}/decision", body)
            assert response.status_code == 409
            assert response.json()["code"] == "call_open"
    assert not Decision.objects.exists()
    with time_machine.travel(closes + datetime.timedelta(seconds=1), tick=False):
        response = api.post(f"calls/{call.pk}/decision", {"admitted": [application.pk]})
    assert response.status_code == 200
    assert response.json()["outcome"] == {
        "admitted": 1,
        "not_selected": 0,
        "requested_eur": "0.00",
        "budget_eur": "50000.00",
        "without_request": 1,
    }


def test_the_override_through_the_api(api_as, operator, applicant, evaluator, call):
    application = scored(call, applicant, operator, evaluator, "Orto")
    late = make_user("tardivo@example.org", Role.EVALUATOR)
    Assignment.objects.create(application=application, evaluator=late, assigned_by=operator)
    close(call)
    api = api_as(operator, scopes=("read", "write"))
    refused = api.post(f"calls/{call.pk}/decision", {"admitted": [application.pk]})
    assert (refused.status_code, refused.json()["code"]) == (409, "reviews_open")
    reason = "Il valutatore non risponde da tre settimane"
    answer = api.post(
        f"calls/{call.pk}/decision", {"admitted": [application.pk], "override_reason": reason}
    )
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["override_reason"], answer.json()["open_reviews"]) == (reason, 1)


def test_the_riesame_through_the_api(
    api_as, operator, applicant, evaluator, call, django_capture_on_commit_callbacks
):
    from insieme.grants.models import Disbursement, Grant
    from insieme.projects.tests.factories import organisation

    first = scored(call, applicant, operator, evaluator, "P1", (9, 5), request="20000")
    second = scored(call, applicant, operator, evaluator, "P2", (8, 4), request="15000")
    third = scored(call, applicant, operator, evaluator, "P3", (5, 2), request="10000")
    close(call)
    record_committee_decision(call, by=operator, admitted=[first, second])
    grant = Grant.objects.create(
        code="G-1",
        application=second,
        funder=organisation("Fondazione San Petronio", is_funder=True),
        amount_awarded=Decimal("8000.00"),
        awarded_on=timezone.localdate(),
    )
    api = api_as(operator, scopes=("read", "write"))
    url = f"calls/{call.pk}/decision/review"
    body = {"admitted": [first.pk, third.pk], "reason": "Ricorso accolto"}
    assert api.post(url, {"admitted": [first.pk, third.pk]}).status_code == 422
    awarded = api.post(url, body)
    assert (awarded.status_code, awarded.json()["code"]) == (409, "grant_awarded")
    Disbursement.objects.create(
        code="E-1", grant=grant, paid_on=timezone.localdate(), amount=Decimal("2000.00")
    )
    paid = api.post(url, body)
    assert (paid.status_code, paid.json()["code"]) == (409, "money_paid_out")
    assert eur(Decimal("2000.00")) in paid.json()["message"]
    assert Decision.objects.get(call=call).reviews == []
    # Admitting one more, within the call's limit, is still possible.
    Call.objects.filter(pk=call.pk).update(max_admitted=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        more = api.post(
            url, {"admitted": [first.pk, second.pk, third.pk], "reason": "Budget aumentato"}
        )
    assert more.status_code == 200, more.json()
    assert more.json()["outcome"]["admitted"] == 3
    assert more.json()["outcome"]["requested_eur"] == "45000.00"
    (review,) = more.json()["reviews"]
    assert review["reason"] == "Budget aumentato"
    assert review["changes"] == [
        {
            "code": third.code,
            "title": "P3",
            "outcome_before": ApplicationStatus.NOT_SELECTED,
            "outcome": ApplicationStatus.ACCOMPANIED,
        }
    ]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["evaluator", "applicant", "coach", "funder", "partner"])
def test_only_the_office_reviews_a_decision(api_as, cast, call, who):
    response = api_as(cast[who], scopes=("read", "write")).post(
        f"calls/{call.pk}/decision/review", {"admitted": [], "reason": "x"}
    )
    assert response.status_code == 403
