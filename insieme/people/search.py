"""The people in the header's search (`insieme.core.worklist.register_search`): by name, by
codice fiscale (whole or part) or by phone number, among the people the user may see. Funders,
evaluators, partners and applicants do not search people."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.core import phone, worklist
from insieme.people import rules
from insieme.people.models import Person


def _phone_number(text: str) -> str:
    """The query as a phone number in E.164, or "" when it is not one."""
    if sum(ch.isdigit() for ch in text) < 6 or any(ch.isalpha() for ch in text):
        return ""
    try:
        return phone.normalise(text)
    except ValidationError:
        return ""


def find(user: Any, query: str) -> QuerySet:
    people = Person.objects.visible_to(user).select_related("residence_comune")
    number = _phone_number(query)
    if number:
        return people.filter(phone=number).order_by("last_name", "first_name", "pk")
    found: QuerySet = people.search(query)
    return found.order_by("-search_rank", "last_name", "first_name", "pk")


def _row(person: Person, user: Any) -> worklist.Row:
    details = [person.residence_comune.name if person.residence_comune else ""]
    if person.birth_date:
        details.append(str(_("born %(date)s") % {"date": date_format(person.birth_date)}))
    return worklist.Row(
        f"{person.last_name} {person.first_name}",
        reverse("people:detail", args=[person.pk]),
        " · ".join(part for part in details if part),
    )


def register() -> None:
    worklist.register_search(
        worklist.Source(
            key="people",
            label=_("People"),
            find=find,
            row=_row,
            applies=lambda user: user.has_role(*rules.READERS),
            order=10,
            more_url="people:list",
        )
    )
