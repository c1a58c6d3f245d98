"""Builders for the committee tests (evaluations and API)."""

from decimal import Decimal

from insieme.calls.models import Application
from insieme.calls.tests.helpers import eligible, questions
from insieme.evaluations import services
from insieme.evaluations.models import Assignment


def scored(call, applicant, operator, evaluator, title, marks=(8, 4), request=None):
    """An eligible application with one completed evaluation; `request` its amount requested."""
    application = eligible(call, applicant, operator, title=title)
    if request is not None:
        # The call's form marks "Costo totale" as the amount requested (forms' requested_amount).
        version = application.form_version
        for section in version.schema["sections"]:
            for question in section["questions"]:
                if question["label"] == "Costo totale":
                    question["requested_amount"] = True
        version.save(update_fields=["schema"])
        answers = {**application.answers, questions(call)["Costo totale"]: request}
        Application.objects.filter(pk=application.pk).update(answers=answers)
        application.refresh_from_db()
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )
    services.declare_interest(assignment, by=evaluator, conflict=False)
    impact, sustainability = call.criteria.order_by("position")
    services.record_scores(
        assignment,
        {impact.pk: (Decimal(marks[0]), ""), sustainability.pk: (Decimal(marks[1]), "")},
        by=evaluator,
        complete=True,
    )
    return application
