"""The evaluator's worklist on the home page (`insieme.core.worklist`): the reviews still to
complete, each with its call and the date the call closed."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import worklist
from insieme.evaluations.models import Assignment

TO_COMPLETE = "da_completare"


def reviews_due(user: Any, today: datetime.date) -> QuerySet:
    return (
        Assignment.objects.of(user)
        .filter(completed_at__isnull=True)
        .for_list()
        .order_by("application__call__closes_at", "application__code", "pk")
    )


def _row(assignment: Assignment, today: datetime.date) -> worklist.Row:
    call = assignment.application.call
    deadline = getattr(call, "evaluation_deadline", None)
    note = call.code
    if deadline:
        note += " · " + str(_("by %(date)s") % {"date": date_format(deadline, "SHORT_DATE_FORMAT")})
    elif call.closes_at:
        closed = date_format(timezone.localtime(call.closes_at), "SHORT_DATE_FORMAT")
        note += " · " + str(_("closed on %(date)s") % {"date": closed})
    return worklist.Row(
        assignment.application.code, reverse("evaluations:assignment", args=[assignment.pk]), note
    )


def register() -> None:
    worklist.register(
        worklist.Entry(
            key="evaluations.reviews_due",
            role=Role.EVALUATOR,
            label=_("Reviews to complete"),
            items=reviews_due,
            url=lambda user, today: reverse("evaluations:mine") + f"?filtro={TO_COMPLETE}",
            row=_row,
            order=10,
        )
    )
