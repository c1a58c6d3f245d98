"""What an operator should do now: overdue first contacts, follow-ups due, plan actions due."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from insieme.employment.models import Action, FollowUp, Registration


@dataclass
class Reminders:
    overdue_contacts: list[Registration]
    follow_ups: list[FollowUp]
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
    follow_ups = (
        FollowUp.objects.due(today)
        .filter(
            Q(placement__recorded_by=user) | Q(placement__person__registrations__assigned_to=user)
        )
        .select_related("placement__person", "placement__employer")
        .distinct()
        .order_by("due_on", "pk")
    )
    actions = (
        Action.objects.due(today)
        .filter(owner=user)
        .select_related("goal__person")
        .order_by("due_date", "pk")
    )
    return Reminders(list(overdue), list(follow_ups), list(actions))
