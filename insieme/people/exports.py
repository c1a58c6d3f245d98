"""What goes into files about people: the list export's columns (written by
`insieme.core.listing.export_response`) and a person's data-subject access export."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insieme.accounts.models import Role
from insieme.people.models import Person


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Person], object]
    personal: bool = True  # identifying beyond the name: only operators and administrators


COLUMNS = [
    Column(gettext_lazy("surname"), lambda p: p.last_name, personal=False),
    Column(gettext_lazy("name"), lambda p: p.first_name, personal=False),
    Column(gettext_lazy("codice fiscale"), lambda p: p.fiscal_code),
    Column(
        gettext_lazy("temporary code"), lambda p: _("yes") if p.fiscal_code_is_temporary else ""
    ),
    Column(gettext_lazy("date of birth"), lambda p: p.birth_date),
    Column(gettext_lazy("sex"), lambda p: p.sex),
    Column(
        gettext_lazy("comune of residence"),
        lambda p: p.residence_comune.name if p.residence_comune else "",
        personal=False,
    ),
    Column(gettext_lazy("e-mail"), lambda p: p.email, personal=False),
    Column(gettext_lazy("phone"), lambda p: p.phone, personal=False),
    Column(
        gettext_lazy("employment condition"),
        lambda p: p.get_employment_condition_display(),
        personal=False,
    ),
    Column(gettext_lazy("education level"), lambda p: p.education_level),
]


def columns_for(user) -> list[tuple[str | Promise, Callable[[Person], object]]]:
    """The list export's (header, value) columns `user` may see (see `export_response`)."""
    everything = user.has_role(Role.OPERATOR, Role.ADMIN)
    return [(c.header, c.value) for c in COLUMNS if everything or not c.personal]


def access_report(person: Person, *, include_special: bool) -> dict:
    """Everything the platform holds on `person`, for a data-subject access request."""
    from insieme.people import timeline

    fields = {}
    for field in Person._meta.concrete_fields:
        value = getattr(person, field.attname)
        if field.name == "residence_comune":
            value = str(person.residence_comune) if person.residence_comune else None
        elif field.name == "account":
            value = person.account.email if person.account else None
        fields[field.name] = _plain(value)
    report: dict = {
        "generated_at": timezone.now().isoformat(),
        "person": fields,
        "consents": [
            {
                "purpose": c.purpose,
                "purpose_label": str(c.get_purpose_display()),
                "notice_version": c.notice_version,
                "given_on": c.given_on.isoformat(),
                "channel": c.channel,
                "withdrawn_at": _plain(c.withdrawn_at),
            }
            for c in person.consents.all()
        ],
        "documents": [
            {
                "kind": d.kind,
                "file_name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "uploaded_at": d.uploaded_at.isoformat(),
            }
            for d in person.documents.all()
        ],
        "events": [
            {"date": e.date.isoformat(), "kind": e.kind, "title": e.title}
            for e in timeline.events_for(person)
        ],
    }
    special = getattr(person, "special_category", None) if include_special else None
    if include_special:
        report["special_category"] = (
            {
                "disability_68_99": special.disability_68_99,
                "disability_percentage": special.disability_percentage,
                "health_notes": special.health_notes,
            }
            if special
            else None
        )
    else:
        report["special_category"] = "withheld: needs the people.view_special_category permission"
    return report


def _plain(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value
