"""What may be done to the people registry, by whom and when (see insieme/core/rules.py).

The registry is the employment office's: operators and administrators change it. A person
withdraws their own consents from their profile. Special-category data (health, disability) need,
beyond the role, the permission an administrator grants one user at a time.
"""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core.rules import Action, refuse, register
from insieme.people.models import Person

EDITORS = frozenset({Role.OPERATOR, Role.ADMIN})
READERS = frozenset({Role.OPERATOR, Role.ADMIN, Role.COACH})
EVERYONE = frozenset(Role)
SPECIAL_PERMISSION = "people.view_special_category"


def not_pseudonymised(user, person: Person):
    if person.is_pseudonymised:
        return refuse(
            _("The identifying data of this person were erased: the record cannot be changed."),
            "pseudonymised",
        )
    return None


def not_yet_pseudonymised(user, person: Person):
    if person.is_pseudonymised:
        return refuse(_("This person has already been pseudonymised."), "done")
    return None


def mergeable(user, person: Person):
    if person.is_pseudonymised:
        return refuse(_("A pseudonymised person cannot be merged."), "pseudonymised")
    return None


def linkable(user, person: Person):
    if person.is_pseudonymised:
        return refuse(
            _("The identifying data of this person were erased: no account can be linked."),
            "pseudonymised",
        )
    if person.account_id is not None:
        return refuse(
            _("This person is already linked to the account %(email)s: unlink it first."),
            "already_linked",
            email=person.account.email if person.account else "",
        )
    return None


def office_or_the_person_online(user, consent):
    """The office records any consent; online (a public form, the person's own profile) a person
    gives theirs, for a new record or their own."""
    from insieme.people.models import ConsentChannel

    if user.has_role(*EDITORS):
        return None
    if consent.channel == ConsentChannel.ONLINE and consent.person.account_id in (None, user.pk):
        return None
    return refuse(_("Only the person themselves or the office may do this."), "not_the_person")


def editor_or_the_person(user, consent):
    """The office, or the person themselves (their record linked to their account)."""
    if user.has_role(*EDITORS) or consent.person.account_id == user.pk:
        return None
    return refuse(_("Only the person themselves or the office may do this."), "not_the_person")


def special_permission(user, person):
    if user.has_perm(SPECIAL_PERMISSION):
        return None
    return refuse(
        _("Reading health and disability data needs a permission an administrator grants."),
        "no_special_permission",
    )


register(
    Action("person.create", EDITORS, label=_("Register a person")),
    Action("person.edit", EDITORS, label=_("Edit"), guards=(not_pseudonymised,)),
    # Asked for each of the two records.
    Action("person.merge", EDITORS, label=_("Merge duplicates"), guards=(mergeable,)),
    Action(
        "person.pseudonymise",
        EDITORS,
        label=_("Erase the identifying data"),
        guards=(not_yet_pseudonymised,),
    ),
    Action("person.export_data", EDITORS, label=_("Export the data held")),
    Action("person.link_account", EDITORS, label=_("Link an account"), guards=(linkable,)),
    Action("person.unlink_account", EDITORS, label=_("Unlink the account")),
    # obj: the consent about to be recorded (unsaved).
    Action(
        "consent.record",
        EVERYONE,
        label=_("Record a consent"),
        who=office_or_the_person_online,
    ),
    # obj: the consent.
    Action("consent.withdraw", EVERYONE, label=_("Withdraw the consent"), who=editor_or_the_person),
    Action("document.upload", EDITORS, label=_("Upload a document"), guards=(not_pseudonymised,)),
    # obj: the document.
    Action("document.delete", EDITORS, label=_("Delete the document")),
    # obj: the person. Sensitive fields: the role, and the permission on top.
    Action(
        "special_category.read",
        EVERYONE,
        label=_("Read health and disability data"),
        who=special_permission,
    ),
    Action(
        "special_category.write",
        EDITORS,
        label=_("Record health and disability data"),
        who=special_permission,
    ),
    Action(
        "special_category.grant_access",
        frozenset({Role.ADMIN}),
        label=_("Grant access to health and disability data"),
    ),
)
