"""The applicants not selected learn their averages by criterion and the committee's note."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.formats import number_format

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls.tests.helpers import close, make_call
from insieme.evaluations import services
from insieme.evaluations.feedback import feedback
from insieme.evaluations.models import Assignment
from insieme.evaluations.services import ranking
from insieme.evaluations.tests.helpers import scored
from insieme.projects.services import record_committee_decision


@pytest.fixture
def call(db):
    return make_call(evaluators_per_application=2)


def points(value) -> str:
    return number_format(Decimal(value), decimal_pos=2)


@pytest.fixture
def decided(call, applicant, operator, evaluator, django_capture_on_commit_callbacks):
    winner = scored(call, applicant, operator, evaluator, "Vincente", (10, 5))
    loser = scored(call, applicant, operator, evaluator, "Orto", (8, 4))
    second = make_user("seconda.valutatrice@example.org", Role.EVALUATOR, first_name="Gianna")
    assignment = Assignment.objects.create(
        application=loser, evaluator=second, assigned_by=operator
    )
    services.declare_interest(assignment, by=second, conflict=False)
    impact, sustainability = call.criteria.order_by("position")
    services.record_scores(
        assignment,
        {impact.pk: (Decimal(6), "Debole"), sustainability.pk: (Decimal(2), "Fragile")},
        by=second,
        complete=True,
    )
    close(call)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_committee_decision(
            call,
            by=operator,
            admitted=[winner],
            notes="Seduta del comitato",
            feedback_note="Rafforzate il piano economico.",
        )
    loser.refresh_from_db()
    return loser


def test_the_feedback_is_the_rankings_average_by_criterion(decided):
    result = feedback(decided)
    assert result is not None
    row = next(r for r in ranking(decided.call) if r.application.pk == decided.pk)
    # Impact: (8/10*60 + 6/10*60) / 2 = 42; sustainability: (4/5*40 + 2/5*40) / 2 = 24.
    assert [(r.criterion.name, r.points) for r in result.criteria] == [
        ("Impatto sociale", Decimal("42.00")),
        ("Sostenibilità", Decimal("24.00")),
    ]
    assert [r.points for r in result.criteria] == row.criteria_means
    assert result.total == row.aggregate == Decimal("66.00")
    assert (result.position, result.ranked) == (2, 2)
    assert result.note == "Rafforzate il piano economico."


def test_the_outcome_email_gives_the_scores_and_the_note_but_no_evaluator(decided, applicant):
    [message] = [m for m in mail.outbox if "Orto" in m.body or decided.code in m.subject]
    body = message.body
    assert "non è stata selezionata" in body
    assert f"Impatto sociale: {points('42')} / {points('60')}" in body
    assert f"Sostenibilità: {points('24')} / {points('40')}" in body
    assert f"{points('66')} / {points('100')}" in body
    assert "Rafforzate il piano economico." in body
    assert "Seduta del comitato" not in body  # the minutes' notes stay in the minutes
    for hidden in ("Gianna", "seconda.valutatrice", "Debole", "Fragile"):
        assert hidden not in body


def test_the_applicants_page_shows_the_feedback_without_evaluators(client_as, decided, applicant):
    page = client_as(applicant).get(reverse("calls:application", args=[decided.pk]))
    text = page.content.decode()
    assert "La valutazione della tua candidatura" in text
    assert points("42") in text
    assert "Posizione in graduatoria: 2 su 2." in text
    assert "Rafforzate il piano economico." in text
    for hidden in ("Gianna", "seconda.valutatrice", "Debole", "Fragile"):
        assert hidden not in text


def test_an_admitted_application_gets_no_feedback_panel(client_as, decided, applicant):
    winner = decided.call.applications.get(title="Vincente")
    assert feedback(winner) is None
    page = client_as(applicant).get(reverse("calls:application", args=[winner.pk]))
    assert "La valutazione della tua candidatura" not in page.content.decode()
