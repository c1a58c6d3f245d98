"""The committee's decision at the right moment: only on a closed call with every review in (or
the call manager's reasoned override), nothing pre-ticked, a confirmation that states the
outcomes and the budget, and the riesame."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls.models import Application, ApplicationStatus, Call
from insieme.calls.tests.helpers import close, make_call
from insieme.core.events import Event
from insieme.core.money import eur
from insieme.evaluations.models import Assignment, Decision
from insieme.evaluations.tests.helpers import scored
from insieme.projects.models import Project, ProjectStatus
from insieme.projects.services import record_committee_decision, review_committee_decision


@pytest.fixture
def call(db):
    return make_call(evaluators_per_application=1, budget=Decimal("50000.00"))


# 1. Only once the call has closed and every review is in --------------------------------------


def test_no_decision_while_the_call_still_accepts_applications(
    client_as, operator, applicant, evaluator, call
):
    """Defect: the committee could record its decision while the call was still open."""
    application = scored(call, applicant, operator, evaluator, "Orto")
    closes = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    Call.objects.filter(pk=call.pk).update(closes_at=closes)
    call.refresh_from_db()
    # At the closing second the call still accepts applications: no decision, on any road.
    with time_machine.travel(closes, tick=False):
        client = client_as(operator)
        assert call.accepts_submissions()
        with pytest.raises(ValidationError) as refused:
            record_committee_decision(call, by=operator, admitted=[application])
        assert refused.value.code == "call_open"
        page = client.post(
            reverse("evaluations:decide", args=[call.pk]),
            {"admitted": [application.pk], "confirm": "1"},
        )
        assert page.status_code == 400
        assert "La commissione decide solo dopo la chiusura del bando" in page.content.decode()
        # Not even the override: applications would still be coming in.
        with pytest.raises(ValidationError) as refused:
            record_committee_decision(
                call, by=operator, admitted=[application], override_reason="Urgenza"
            )
        assert refused.value.code == "call_open"
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_EVALUATION
    with time_machine.travel(closes + datetime.timedelta(seconds=1), tick=False):
        record_committee_decision(call, by=operator, admitted=[application])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCOMPANIED


def test_the_call_manager_may_decide_without_the_missing_reviews_with_a_reason(
    client_as, operator, applicant, evaluator, call
):
    application = scored(call, applicant, operator, evaluator, "Orto")
    late = make_user("tardivo@example.org", Role.EVALUATOR)
    Assignment.objects.create(application=application, evaluator=late, assigned_by=operator)
    close(call)
    client = client_as(operator)
    page = client.get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    assert 'id="override-offer"' in page
    assert "1 ancora aperte" in page
    # Without a reason the open review blocks the decision, as before.
    response = client.post(
        reverse("evaluations:decide", args=[call.pk]),
        {"admitted": [application.pk], "confirm": "1"},
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()
    reason = "Il valutatore non risponde da tre settimane"
    check = client.post(
        reverse("evaluations:decide", args=[call.pk]),
        {"admitted": [application.pk], "override_reason": reason},
    )
    assert check.status_code == 200
    assert "Decisione presa senza 1 valutazione ancora aperta." in check.content.decode()
    client.post(
        reverse("evaluations:decide", args=[call.pk]),
        {"admitted": [application.pk], "override_reason": reason, "confirm": "1"},
    )
    decision = Decision.objects.get(call=call)
    assert (decision.override_reason, decision.open_reviews) == (reason, 1)
    logged = [
        e.additional_data
        for e in LogEntry.objects.get_for_object(decision)
        if e.additional_data and e.additional_data.get("event") == "decided_without_all_reviews"
    ]
    assert logged == [{"event": "decided_without_all_reviews", "reason": reason, "open_reviews": 1}]
    page = client.get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    assert reason in page
    assert "Decisione presa senza 1 valutazione ancora aperta." in page


def test_the_override_is_only_for_missing_reviews(operator, applicant, evaluator, call):
    application = scored(call, applicant, operator, evaluator, "Orto")
    close(call)
    with pytest.raises(ValidationError) as refused:
        record_committee_decision(
            call, by=operator, admitted=[application], override_reason="Per sicurezza"
        )
    assert refused.value.code == "reviews_in"


# 2. Nothing pre-ticked -----------------------------------------------------------------------


def test_the_ranking_page_starts_with_nothing_selected(
    client_as, operator, applicant, evaluator, call
):
    """Defect: the top-ranked boxes were pre-ticked."""
    for n in range(3):
        scored(call, applicant, operator, evaluator, f"P{n}", marks=(9 - n, 4))
    close(call)
    page = client_as(operator).get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    boxes = re.findall(r"<input[^>]*name=\"admitted\"[^>]*>", page)
    assert len(boxes) == 3
    assert not [box for box in boxes if "checked" in box]


# 3. The confirmation states the outcomes and the budget -------------------------------------


def test_the_confirmation_states_how_many_are_admitted_and_the_budget_they_use(
    client_as, operator, applicant, evaluator, call, django_capture_on_commit_callbacks
):
    """Defect: the confirmation did not say how many would be admitted."""
    first = scored(call, applicant, operator, evaluator, "P1", (9, 5), request="18000.00")
    second = scored(call, applicant, operator, evaluator, "P2", (8, 4), request="12500.50")
    third = scored(call, applicant, operator, evaluator, "P3", (5, 2), request="9000")
    close(call)
    client = client_as(operator)
    url = reverse("evaluations:decide", args=[call.pk])
    response = client.post(url, {"admitted": [first.pk, second.pk], "notes": "Seduta"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 candidature ammesse all'accompagnamento" in page
    assert "1 candidatura non selezionata" in page
    assert eur(Decimal("30500.50")) in page
    assert eur(Decimal("50000.00")) in page
    assert eur(Decimal("19499.50")) in page
    # Stated, not recorded: nothing has changed yet, nobody has been written to.
    assert not Decision.objects.exists()
    assert not mail.outbox
    third.refresh_from_db()
    assert third.status == ApplicationStatus.IN_EVALUATION
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"admitted": [first.pk, second.pk], "notes": "Seduta", "confirm": "1"}
        )
    assert done.status_code == 302
    assert Decision.objects.get(call=call).notes == "Seduta"
    assert len(mail.outbox) == 3


def test_the_confirmation_warns_when_the_requests_exceed_the_budget(
    client_as, operator, applicant, evaluator, call
):
    big = scored(call, applicant, operator, evaluator, "P1", request="45000")
    other = scored(call, applicant, operator, evaluator, "P2", request="10000")
    close(call)
    response = client_as(operator).post(
        reverse("evaluations:decide", args=[call.pk]), {"admitted": [big.pk, other.pk]}
    )
    page = response.content.decode()
    assert "1 candidatura" not in page  # none left out
    assert 'id="over-budget"' in page
    assert eur(Decimal("5000.00")) in page


# 4. The riesame -------------------------------------------------------------------------------


@pytest.fixture
def decided(call, operator, applicant, evaluator):
    first = scored(call, applicant, operator, evaluator, "P1", (9, 5), request="20000")
    second = scored(call, applicant, operator, evaluator, "P2", (8, 4), request="15000")
    third = scored(call, applicant, operator, evaluator, "P3", (5, 2), request="10000")
    close(call)
    record_committee_decision(call, by=operator, admitted=[first, second])
    return first, second, third


def test_a_decision_can_be_reviewed_with_a_reason(
    client_as, operator, call, decided, django_capture_on_commit_callbacks
):
    """Defect: the decision could not be reviewed."""
    first, second, third = decided
    client = client_as(operator)
    page = client.get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    assert reverse("evaluations:review_decision", args=[call.pk]) in page
    url = reverse("evaluations:review_decision", args=[call.pk])
    missing = client.post(url, {"admitted": [first.pk, third.pk]})
    assert missing.status_code == 400
    assert "Indica perché la decisione viene riesaminata" in missing.content.decode()
    reason = "Accolto il ricorso: punteggio di P3 ricalcolato"
    check = client.post(url, {"admitted": [first.pk, third.pk], "reason": reason})
    assert check.status_code == 200
    stated = check.content.decode()
    assert "2 candidature ammesse all'accompagnamento" in stated
    assert eur(Decimal("30000.00")) in stated
    second.refresh_from_db()
    assert second.status == ApplicationStatus.ACCOMPANIED  # stated, not recorded
    mail.outbox.clear()
    before = Event.objects.filter(name="application.outcome_decided").count()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"admitted": [first.pk, third.pk], "reason": reason, "confirm": "1"}
        )
    assert done.status_code == 302
    for application in decided:
        application.refresh_from_db()
    assert [a.status for a in decided] == [
        ApplicationStatus.ACCOMPANIED,
        ApplicationStatus.NOT_SELECTED,
        ApplicationStatus.ACCOMPANIED,
    ]
    # Only those whose outcome changed are told again, with the reason.
    assert sorted(m.to[0] for m in mail.outbox) == ["candidata@example.org"] * 2
    assert all(reason in m.body for m in mail.outbox)
    assert {m.subject for m in mail.outbox} == {
        f"Candidatura {second.code}: esito riesaminato",
        f"Candidatura {third.code}: esito riesaminato",
    }
    events = Event.objects.filter(name="application.outcome_decided").order_by("pk")[before:]
    assert [(e.name, e.payload["application"]["code"]) for e in events] == [
        ("application.outcome_decided", second.code),
        ("application.outcome_decided", third.code),
    ]
    # The figures follow: accompanied are the admitted applications; the projects follow.
    assert set(Application.objects.filter(status=ApplicationStatus.ACCOMPANIED)) == {first, third}
    assert Project.objects.get(application=second).status == ProjectStatus.DROPPED
    assert reason in Project.objects.get(application=second).dropped_reason
    assert Project.objects.get(application=third).status == ProjectStatus.ACTIVE
    assert third.outcome_date == timezone.localdate()
    decision = Decision.objects.get(call=call)
    (review,) = decision.reviews
    assert review["reason"] == reason
    assert [(c["code"], c["from"], c["to"]) for c in review["changes"]] == [
        (second.code, "accompagnata", "non_selezionata"),
        (third.code, "non_selezionata", "accompagnata"),
    ]
    assert any(
        e.additional_data and e.additional_data.get("event") == "decision_reviewed"
        for e in LogEntry.objects.get_for_object(decision)
    )
    status_log = [
        (e.actor, e.changes["status"])
        for e in LogEntry.objects.get_for_object(second).order_by("timestamp", "pk")
        if e.changes and "status" in e.changes
    ]
    assert status_log[-1] == (operator, ["accompagnata", "non_selezionata"])
    page = client.get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    assert reason in page
    # A later review admitting it again reinstates the same project.
    review_committee_decision(call, by=operator, admitted=[first, second], reason="Rettifica")
    assert Project.objects.get(application=second).status == ProjectStatus.ACTIVE
    assert Project.objects.filter(application=second).count() == 1
    assert Project.objects.get(application=third).status == ProjectStatus.DROPPED


def test_the_review_keeps_the_call_limit_and_must_change_something(operator, call, decided):
    first, second, _third = decided
    with pytest.raises(ValidationError) as refused:
        review_committee_decision(call, by=operator, admitted=list(decided), reason="Tutte")
    assert refused.value.code == "too_many"
    with pytest.raises(ValidationError) as refused:
        review_committee_decision(call, by=operator, admitted=[first, second], reason="Nulla")
    assert refused.value.code == "no_change"


def test_no_review_before_the_decision(client_as, operator, applicant, evaluator, call):
    scored(call, applicant, operator, evaluator, "P1")
    close(call)
    with pytest.raises(ValidationError) as refused:
        review_committee_decision(call, by=operator, admitted=[], reason="Prova")
    assert refused.value.code == "not_decided"
    response = client_as(operator).get(reverse("evaluations:review_decision", args=[call.pk]))
    assert response.status_code == 302


def test_an_admission_with_jobs_recorded_cannot_be_withdrawn(operator, call, decided):
    from insieme.employment.tests import factories as employment_factories

    first, second, third = decided
    employment_factories.placement(employment_factories.person(), by=operator, application=second)
    with pytest.raises(ValidationError) as refused:
        review_committee_decision(call, by=operator, admitted=[first, third], reason="Ricorso")
    assert refused.value.code == "project_has_placements"


@pytest.mark.parametrize("who", ["evaluator", "applicant", "coach", "funder", "outsider"])
def test_only_the_office_reviews_a_decision(client_as, cast, call, who):
    response = client_as(cast[who]).get(reverse("evaluations:review_decision", args=[call.pk]))
    assert response.status_code == 403


def test_an_admission_with_money_on_it_cannot_be_withdrawn(client_as, operator, call, decided):
    from insieme.grants.models import Disbursement, Grant
    from insieme.projects.tests.factories import organisation

    first, second, third = decided
    grant = Grant.objects.create(
        code="G-1",
        application=second,
        funder=organisation("Fondazione San Petronio", is_funder=True),
        amount_awarded=Decimal("8000.00"),
        awarded_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as refused:
        review_committee_decision(call, by=operator, admitted=[first, third], reason="Ricorso")
    assert refused.value.code == "grant_awarded"
    Disbursement.objects.create(
        code="E-1", grant=grant, paid_on=timezone.localdate(), amount=Decimal("2000.00")
    )
    # Revoked or not, money paid out keeps the admission: the page says why.
    Grant.objects.filter(pk=grant.pk).update(amount_revoked=Decimal("6000.00"))
    response = client_as(operator).post(
        reverse("evaluations:review_decision", args=[call.pk]),
        {"admitted": [first.pk, third.pk], "reason": "Ricorso"},
    )
    assert response.status_code == 400
    assert f"sono già stati erogati {eur(Decimal('2000.00'))}" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ApplicationStatus.ACCOMPANIED
    assert Project.objects.get(application=second).status == ProjectStatus.ACTIVE
    assert Decision.objects.get(call=call).reviews == []
