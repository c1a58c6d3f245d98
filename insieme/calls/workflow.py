"""The application workflow, declared once: states, allowed transitions, who may make them.

Services call `move()`; nothing else writes `Application.status`.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application
from insieme.calls.models import ApplicationStatus as S

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

STAFF = frozenset({Role.OPERATOR, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]
    # The applicant's own transitions are allowed to the application's owner only.
    owner_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, frozenset({Role.APPLICANT}), True),
        Transition(
            "withdraw",
            frozenset({S.SUBMITTED, S.IN_EVALUATION}),
            S.WITHDRAWN,
            frozenset({Role.APPLICANT}),
            True,
        ),
        Transition("declare_eligible", frozenset({S.SUBMITTED}), S.IN_EVALUATION, STAFF),
        Transition("declare_ineligible", frozenset({S.SUBMITTED}), S.INELIGIBLE, STAFF),
        Transition("admit", frozenset({S.IN_EVALUATION}), S.ACCOMPANIED, STAFF),
        Transition("not_select", frozenset({S.IN_EVALUATION}), S.NOT_SELECTED, STAFF),
    ]
}

# The five outcomes of DOMAIN.md: once there, an application does not move again.
FINAL_STATES = frozenset({S.INELIGIBLE, S.NOT_SELECTED, S.WITHDRAWN, S.ACCOMPANIED})

NEXT_STEPS: dict[S, str | Promise] = {
    S.DRAFT: _("Complete the missing items and submit the application before the deadline."),
    S.SUBMITTED: _("The office is checking that the application meets the requirements."),
    S.IN_EVALUATION: _("The application is eligible: the committee is evaluating it."),
    S.INELIGIBLE: _("The application is not eligible: the notice gives the reasons."),
    S.NOT_SELECTED: _("The application was not selected. Thank you for taking part."),
    S.WITHDRAWN: _("You withdrew the application."),
    S.ACCOMPANIED: _("Admitted to accompaniment: the programme staff will contact you."),
}


def allowed(application: Application, name: str, user) -> "str | _StrPromise | None":
    """None when `user` may make transition `name` now; otherwise the reason why not (lazy:
    rendered in the language of whoever reads it)."""
    transition = TRANSITIONS[name]
    if application.status not in transition.sources:
        return _("This action is not possible in the application's current state.")
    if not user.has_role(*transition.roles):
        return _("Your role does not allow this action.")
    if transition.owner_only and application.owner_id != user.pk:
        return _("Only the applicant may do this.")
    return None


def move(application: Application, name: str, *, by) -> Application:
    """Make transition `name`; the caller (a @service) provides the transaction and the audit."""
    reason = allowed(application, name, by)
    if reason is not None:
        if application.status not in TRANSITIONS[name].sources:
            raise ValidationError(reason, code="invalid_transition")
        raise PermissionDenied(reason)
    application.status = TRANSITIONS[name].target
    application.save(update_fields=["status", "updated_at"])
    return application
