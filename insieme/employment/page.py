"""What the apps above employment add to its pages (placements: a person's placements, the
caseload's count of them, the follow-ups due among an operator's reminders).

An app that builds on employment registers its parts in its AppConfig.ready, so that the pages
show them while employment imports none of those apps.
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Model

if TYPE_CHECKING:
    from insieme.people.models import Person

PersonPart = Callable[["Person", Any], dict[str, Any]]
ReminderPart = Callable[[Any, datetime.date], list[Any]]

_person_parts: list[PersonPart] = []
_caseload_counts: dict[str, type[Model]] = {}
_reminders: dict[str, ReminderPart] = {}


def add_to_person_page(part: PersonPart) -> PersonPart:
    """Register `part(person, user) -> context` for templates/employment/person.html (once)."""
    if part not in _person_parts:
        _person_parts.append(part)
    return part


def person_context(person: "Person", user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for part in _person_parts:
        context.update(part(person, user))
    return context


def add_caseload_count(name: str, model: type[Model]) -> None:
    """Count, on each row of the caseload, the person's rows of `model` (it has a `person`)."""
    _caseload_counts[name] = model


def caseload_counts() -> dict[str, type[Model]]:
    return dict(_caseload_counts)


def add_reminders(name: str, part: ReminderPart) -> None:
    """Register `part(user, today) -> rows` as the operator's reminders called `name`."""
    _reminders[name] = part


def reminders_of(name: str, user: Any, today: datetime.date) -> list[Any]:
    part = _reminders.get(name)
    return part(user, today) if part is not None else []
