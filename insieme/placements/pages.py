"""What placements add to the employment pages (registered in employment.page by
PlacementsConfig.ready): a person's placements, the follow-ups due among an operator's reminders."""

import datetime
from typing import Any

from django.db.models import Q

from insieme.placements.models import FollowUp, Placement


def placements_of_person(person, user) -> dict[str, Any]:
    """The placements of the person that `user` may see, with their follow-ups."""
    return {
        "placements": Placement.objects.visible_to(user)
        .filter(person=person)
        .select_related("employer", "contract_type", "extends")
        .prefetch_related("follow_ups")
    }


def follow_ups_due(user, today: datetime.date) -> list[FollowUp]:
    """The follow-ups due of the placements the operator recorded or of the people they follow."""
    return list(
        FollowUp.objects.due(today)
        .filter(
            Q(placement__recorded_by=user) | Q(placement__person__registrations__assigned_to=user)
        )
        .select_related("placement__person", "placement__employer")
        .distinct()
        .order_by("due_on", "pk")
    )
