"""What holds an admission to accompaniment, so that a riesame cannot withdraw it.

Withdrawing an admission takes the project out of every figure of the accompanied (DOMAIN.md):
money already awarded or paid on it would be left counted against an application that is no
longer admitted. The apps above projects (grants: grants, payments, microcredits) register a
check in their AppConfig.ready that says, with a refusal, what holds the admission; projects
imports none of them.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from insieme.calls.models import Application
    from insieme.core.rules import Refusal

Hold = Callable[["Application"], "Refusal | None"]

_holds: list[Hold] = []


def add_admission_hold(hold: Hold) -> Hold:
    """Register `hold` (once, however often the app is readied)."""
    if hold not in _holds:
        _holds.append(hold)
    return hold


def admission_hold(application: "Application") -> "Refusal | None":
    """The first registered reason why the admission of `application` cannot be withdrawn."""
    for hold in _holds:
        if (refusal := hold(application)) is not None:
            return refusal
    return None
