"""What an operator should do now: overdue first contacts, follow-ups due, plan actions due.

The follow-ups of placements come from the placements app (registered in employment.page)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from insieme.employment import page
from insieme.employment.models import Action, Registration


@dataclass
class Reminders:
    overdue_contacts: list[Registration]
    follow_ups: list[Any]
    actions: list[Action]

    @property
    def total(self) -> int:
        return len(self.overdue_contacts) + len(self.follow_ups) + len(self.actions)


def reminders_for(user, today: datetime.date | None = None) -> Reminders:
    """An operator's tasks: their own, plus overdue first contacts nobody has taken yet."""
    today = today or timezone.localdate()
    overdue = (
        Registration.objects.overdue(today)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .select_related("person")
        .order_by("registered_on", "pk")
    )
    follow_ups = page.reminders_of("follow_ups", user, today)
    actions = (
        Action.objects.due(today)
        .filter(owner=user)
        .select_related("goal__person")
        .order_by("due_date", "pk")
    )
    return Reminders(list(overdue), list(follow_ups), list(actions))
