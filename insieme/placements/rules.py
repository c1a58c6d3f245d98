"""What may be done with placements and their follow-ups, by whom (see insieme/core/rules.py).

A placement has no workflow: it is recorded once (its follow-ups are planned with it) and each
follow-up is recorded when done. Both are the employment office's work.
"""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import rules
from insieme.core.rules import register

OFFICE = frozenset({Role.OPERATOR})

register(
    rules.Action("placement.record", OFFICE, label=_("Record a placement")),
    rules.Action("follow_up.record", OFFICE, label=_("Record the follow-up")),
)
