"""What may be done to calls and applications, by whom and when (see insieme/core/rules.py)."""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application
from insieme.calls.models import ApplicationStatus as S
from insieme.core.rules import Workflow, refuse, register

STAFF = frozenset({Role.OPERATOR, Role.ADMIN})


def is_owner(user, application: Application):
    if application.owner_id != user.pk:
        return refuse(_("Only the applicant may do this."), "not_owner")
    return None


APPLICATION = Workflow(Application, "status", initial=S.DRAFT)
APPLICATION.transition(
    "application.submit",
    {S.DRAFT},
    S.SUBMITTED,
    {Role.APPLICANT},
    who=is_owner,
    label=_("Submit"),
)
APPLICATION.transition(
    "application.withdraw",
    {S.SUBMITTED, S.IN_EVALUATION},
    S.WITHDRAWN,
    {Role.APPLICANT},
    who=is_owner,
    label=_("Withdraw"),
)
APPLICATION.transition(
    "application.declare_eligible",
    {S.SUBMITTED},
    S.IN_EVALUATION,
    STAFF,
    label=_("Declare eligible"),
)
APPLICATION.transition(
    "application.declare_ineligible",
    {S.SUBMITTED},
    S.INELIGIBLE,
    STAFF,
    label=_("Declare not eligible"),
)
APPLICATION.transition(
    "application.admit",
    {S.IN_EVALUATION},
    S.ACCOMPANIED,
    STAFF,
    label=_("Admit"),
)
APPLICATION.transition(
    "application.not_select",
    {S.IN_EVALUATION},
    S.NOT_SELECTED,
    STAFF,
    label=_("Not selected"),
)

register(APPLICATION)
