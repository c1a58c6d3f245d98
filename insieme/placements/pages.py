"""What placements add to the employment pages (registered in employment.page by
PlacementsConfig.ready): a person's placements, the follow-ups due among an operator's reminders."""

import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from insieme.accounts.models import Role
from insieme.core import worklist
from insieme.placements.models import FollowUp, Placement


def placements_of_person(person, user) -> dict[str, Any]:
    """The placements of the person that `user` may see, with their follow-ups."""
    return {
        "placements": Placement.objects.visible_to(user)
        .filter(person=person)
        .select_related("employer", "contract_type", "extends")
        .prefetch_related("follow_ups")
    }


def follow_ups_due_of(user, today: datetime.date):
    """The follow-ups due of the placements the operator recorded or of the people they follow
    (a queryset: the home's worklist counts it)."""
    return (
        FollowUp.objects.due(today)
        .filter(
            Q(placement__recorded_by=user) | Q(placement__person__registrations__assigned_to=user)
        )
        .select_related("placement__person", "placement__employer")
        .distinct()
        .order_by("due_on", "pk")
    )


def follow_ups_due(user, today: datetime.date) -> list[FollowUp]:
    return list(follow_ups_due_of(user, today))


def _follow_up_row(check: FollowUp, today: datetime.date) -> worklist.Row:
    note = ngettext("%(months)d month", "%(months)d months", check.months) % {
        "months": check.months
    }
    if check.due_on < today:
        days = (today - check.due_on).days
        note += " · " + ngettext("overdue by %(days)d day", "overdue by %(days)d days", days) % {
            "days": days
        }
    return worklist.Row(
        str(check.placement.person), reverse("placements:follow_up", args=[check.pk]), note
    )


def register_worklist() -> None:
    worklist.register(
        worklist.Entry(
            key="placements.follow_ups_due",
            role=Role.OPERATOR,
            label=_("Follow-ups due or overdue"),
            items=follow_ups_due_of,
            url=lambda user, today: reverse("employment:reminders") + "#verifiche",
            row=_follow_up_row,
            late=True,
            order=40,
        )
    )
