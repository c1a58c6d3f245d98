"""What may be done to accounts, by whom (see insieme/core/rules.py)."""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core.rules import Action, refuse, register

ADMINS = frozenset({Role.ADMIN})


def may_give_roles(user, roles):
    """An operator invites only a person to their own account (linking their record); the staff
    and partner roles are given by an administrator."""
    if user.has_role(Role.ADMIN) or set(roles or ()) <= {Role.APPLICANT}:
        return None
    return refuse(_("Only an administrator may give these roles."), "roles_for_admins")


def not_yourself(user, account):
    if account is not None and account.pk == user.pk:
        return refuse(_("You cannot deactivate your own account."), "own_account")
    return None


register(
    # obj: the roles the new account will hold.
    Action(
        "user.invite",
        frozenset({Role.OPERATOR, Role.ADMIN}),
        label=_("Invite"),
        who=may_give_roles,
    ),
    Action("user.set_active", ADMINS, label=_("Activate or deactivate"), guards=(not_yourself,)),
)
