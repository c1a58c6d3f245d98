"""The committee's minutes write scores as Italian decimals ("7,95"), like the pages: the
snapshot of the ranking keeps them as strings with a dot ("7.95"), which the PDF showed as is."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from insieme.calls.tests.helpers import close, eligible, make_call
from insieme.core.money import number
from insieme.evaluations import services
from insieme.evaluations.models import Assignment, Decision
from insieme.projects.services import record_committee_decision

pytestmark = pytest.mark.django_db


def test_the_minutes_write_the_scores_with_a_decimal_comma(
    midday, client_as, operator, applicant, evaluator
):
    call = make_call(blind_evaluation=True, evaluators_per_application=1)
    application = eligible(call, applicant, operator, title="Con decimali")
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )
    services.declare_interest(assignment, by=evaluator, conflict=False)
    criteria = list(call.criteria.order_by("position"))
    services.record_scores(
        assignment,
        {criteria[0].pk: (Decimal("7.55"), ""), criteria[1].pk: (Decimal("4.25"), "")},
        by=evaluator,
        complete=True,
    )
    close(call)
    record_committee_decision(call, by=operator, admitted=[application])
    snapshot = Decision.objects.get(call=call).ranking[0]["score"]
    assert snapshot == "79.30"  # a score with decimals, kept with a dot
    response = client_as(operator).get(reverse("evaluations:minutes", args=[call.pk]))
    assert response.content.startswith(b"%PDF")
    html = render_to_string(
        "evaluations/minutes_pdf.html",
        {k: response.context[k] for k in ("call", "decision", "others", "criteria")},
    )
    assert f"<td>{number(Decimal(snapshot), 2)}</td>" in html
    assert snapshot not in html
