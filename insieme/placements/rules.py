"""What may be done with placements and their follow-ups, by whom (see insieme/core/rules.py).

A placement has no workflow: it is recorded once (its follow-ups are planned with it) and each
follow-up is recorded when done. Both are the employment office's work. A placement starting
after today is planned (`Placement.is_planned`): it is in no figure until it starts.

A follow-up may be recorded from its due date (3, 6, 12 months after the start) less
`FOLLOW_UP_TOLERANCE_DAYS`, never before: a 3-month check made on the first day says nothing.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import rules
from insieme.core.rules import refuse, register
from insieme.placements.models import FOLLOW_UP_TOLERANCE_DAYS, FollowUp

OFFICE = frozenset({Role.OPERATOR})


def not_before_due(follow_up: FollowUp, day=None):
    """A follow-up is recorded from `opens_on` (the due date less the tolerance)."""
    day = day or timezone.localdate()
    if day < follow_up.opens_on:
        return refuse(
            _(
                "This follow-up is due on %(due)s: it can be recorded from %(opens)s "
                "(%(days)s days before), not earlier."
            ),
            "follow_up_not_due",
            due=follow_up.due_on.strftime("%d/%m/%Y"),
            opens=follow_up.opens_on.strftime("%d/%m/%Y"),
            days=FOLLOW_UP_TOLERANCE_DAYS,
        )
    return None


def follow_up_is_due(user, follow_up: FollowUp):
    return not_before_due(follow_up)


register(
    rules.Action("placement.record", OFFICE, label=_("Record a placement")),
    rules.Action(
        "follow_up.record",
        OFFICE,
        label=_("Record the follow-up"),
        guards=(follow_up_is_due,),
    ),
)
