"""How long the registry keeps what it holds: filled by the apps whose records point at a person.

People and organisations sit below the apps that record what happens to them (calls,
employment, grants): those apps tell the registry, from their `AppConfig.ready`,

- which of their records *hold* a person's or organisation's data past the retention period
  (a grant not fully paid out): `register_hold(name, filter, reason)`, where `filter(kind)` is a
  `Q` on `Person` (kind "person") or `Organisation` (kind "organisation") selecting the rows
  held, and `reason(kind)` the Italian sentence that says why;
- which of their dates count as *activity* with a person: `register_activity(name, model,
  person_field, date_field)` (the latest of them restarts the retention period).

Merging two records needs nothing here: the merge moves every relation Django knows of.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

PERSON = "person"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Hold:
    filter: Callable[[str], Q]
    reason: Callable[[str], str]


@dataclass(frozen=True)
class Activity:
    model: Any
    person_field: str
    date_field: str


_holds: dict[str, Hold] = {}
_activities: dict[str, Activity] = {}


def register_hold(name: str, filter: Callable[[str], Q], reason: Callable[[str], str]) -> None:
    _holds[name] = Hold(filter, reason)


def register_activity(name: str, model: Any, person_field: str, date_field: str) -> None:
    _activities[name] = Activity(model, person_field, date_field)


def holds() -> dict[str, Hold]:
    return dict(_holds)


def activities() -> dict[str, Activity]:
    return dict(_activities)


def held(kind: str) -> Q:
    """The rows of `kind` some registered hold keeps (a filter that matches none without holds)."""
    combined = Q(pk__in=[])
    for hold in _holds.values():
        combined |= hold.filter(kind)
    return combined


def hold_reason(queryset, pk: int, kind: str) -> str | None:
    """Why the row `pk` of `queryset` must be kept, or None."""
    for hold in _holds.values():
        if queryset.filter(pk=pk).filter(hold.filter(kind)).exists():
            return hold.reason(kind)
    return None
