"""The figures, kept in the shared cache (the database cache every app server reads).

An entry's key holds the version of the data the figures read (`insieme.core.versions`, changed
by database triggers at the commit of every write to those tables: services, bulk updates, the
workbook import, raw SQL alike), the day (a planned placement enters the figures on its start,
with no write) and the filters. The version is read before the figures are computed, so
an entry never holds data older than its version: a later commit changes the version and the
next reader computes afresh. (An entry may hold data newer than its version; that is harmless.)

The cache holds data only (numbers, codes, names from the database), never rendered text, so one
entry serves every language and every audience: suppression and links are applied afterwards.
The dashboard's page also keeps its rendered figures here, under the same version, one entry per
audience and language (`insieme.impact.views._figures`): rendering them costs more than reading
the data.
The drill-down lists (`figures.records`) are always read live.
"""

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from insieme.calls.models import Application, Call
from insieme.core import versions
from insieme.core.models import Comune, ContractType, District, Sector
from insieme.employment.models import Interview, Registration
from insieme.grants.models import Disbursement, Fund, Grant
from insieme.impact.figures import Filters, compute
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements.models import Placement

# Housekeeping only: a new version makes older entries unreachable, this lets the cache drop them.
TIMEOUT = 6 * 60 * 60

# The tables `insieme.impact.figures` and the dashboard read: a write to any other leaves the
# figures in the cache. A table newly read by the figures goes here.
FIGURE_TABLES = tuple(
    model._meta.db_table
    for model in (
        Person,
        Registration,
        Interview,
        Placement,
        Application,
        Call,
        Grant,
        Disbursement,
        Fund,
        Comune,
        District,
        Sector,
        ContractType,
        Organisation,
    )
)


def data_version() -> str | None:
    """The version of the tables the figures read, or None when the cache must not be used (a
    PostgreSQL transaction that has written computes live: its own writes are not yet in it)."""
    return versions.data_version(FIGURE_TABLES)


def _key(name: str, version: str, filters: Filters) -> str:
    digest = hashlib.sha256(repr(dataclasses.astuple(filters)).encode()).hexdigest()[:32]
    # The day too: a planned placement enters the figures on its start date, with no write.
    return f"impact:{name}:{version}:{timezone.localdate().isoformat()}:{digest}"


def cached[T](name: str, filters: Filters, build: Callable[[], T]) -> T:
    """`build()`, from the cache when the data has not changed since it was stored."""
    version = data_version()
    if version is None:
        return build()
    key = _key(name, version, filters)
    value: Any = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value  # type: ignore[no-any-return]


def report(filters: Filters | None = None) -> dict[str, Any]:
    """The impact_report object (`figures.compute`), cached."""
    f = filters or Filters()
    return cached("report", f, lambda: compute(f))
