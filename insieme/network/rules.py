"""What may be done to organisations and their records, by whom and when (see core/rules.py).

The object of every action is the organisation (for a contact, an agreement or a member: the
organisation it belongs to).
"""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core.rules import Action, refuse, register
from insieme.network.models import MANAGER_ROLES, Organisation

MANAGERS = frozenset(MANAGER_ROLES)


def not_pseudonymised(user, organisation: Organisation):
    if organisation is not None and organisation.is_pseudonymised:
        return refuse(
            _("The identifying data of this organisation were erased: it cannot be changed."),
            "pseudonymised",
        )
    return None


def not_yet_pseudonymised(user, organisation: Organisation):
    if organisation.is_pseudonymised:
        return refuse(_("This organisation has already been pseudonymised."), "done")
    return None


def mergeable(user, organisation: Organisation):
    if organisation.is_pseudonymised:
        return refuse(_("A pseudonymised organisation cannot be merged."), "pseudonymised")
    return None


def sole_trader(user, organisation: Organisation):
    if not organisation.is_sole_trader:
        return refuse(
            _(
                "Only a sole trader's record holds personal data: a company or body with an "
                "11-digit code is not pseudonymised."
            ),
            "not_sole_trader",
        )
    return None


def manager_or_own_partner(user, organisation: Organisation):
    """Contact people are personal data: the registry's managers, or the organisation's own
    partner users."""
    if user.has_role(*MANAGER_ROLES) or (
        user.has_role(Role.PARTNER) and organisation.is_member(user)
    ):
        return None
    return refuse(_("Only the organisation's own partner users may do this."), "not_member")


register(
    Action("organisation.create", MANAGERS, label=_("Register an organisation")),
    Action("organisation.edit", MANAGERS, label=_("Edit"), guards=(not_pseudonymised,)),
    # Asked for each of the two records.
    Action("organisation.merge", MANAGERS, label=_("Merge"), guards=(mergeable,)),
    Action(
        "organisation.pseudonymise",
        MANAGERS,
        label=_("Erase identifying data"),
        guards=(not_yet_pseudonymised, sole_trader),
    ),
    Action("organisation.export", MANAGERS, label=_("Export")),
    Action(
        "contact.edit",
        frozenset({*MANAGER_ROLES, Role.PARTNER}),
        label=_("Edit contact people"),
        who=manager_or_own_partner,
        guards=(not_pseudonymised,),
    ),
    Action("agreement.edit", MANAGERS, label=_("Edit agreements"), guards=(not_pseudonymised,)),
    Action("member.link", MANAGERS, label=_("Link a user"), guards=(not_pseudonymised,)),
    Action("member.unlink", MANAGERS, label=_("Unlink a user"), guards=(not_pseudonymised,)),
)
