"""Who may hold and revoke API tokens (see insieme/core/rules.py)."""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.api.services import may_hold_tokens
from insieme.core.rules import Action, refuse, register

# A token acts as its user: any role may hold one; an account with no role has nothing to read.
EVERY_ROLE = frozenset(Role)


def for_oneself(user, holder):
    if holder.pk != user.pk:
        return refuse(_("You can create API tokens only for your own account."), "not_yours")
    return None


def second_factor(user, holder):
    if not may_hold_tokens(holder):
        return refuse(
            _("Activate two-factor authentication before creating an API token."), "mfa_required"
        )
    return None


def own_token(user, token):
    if token.user_id != user.pk:
        return refuse(_("You can revoke only your own API tokens."), "not_yours")
    return None


register(
    Action(
        "token.create",
        EVERY_ROLE,
        label=_("Create a token"),
        who=for_oneself,
        guards=(second_factor,),
    ),
    Action("token.revoke", EVERY_ROLE, label=_("Revoke"), who=own_token),
)
