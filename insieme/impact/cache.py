"""The figures, kept in the shared cache (the database cache every app server reads).

An entry's key holds the version of the data (`DataVersion`, changed by database triggers at
the commit of every write to the tables the figures read: services, bulk updates, the workbook
import, raw SQL alike) and the filters. The version is read before the figures are computed, so
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
from django.db import connection

from insieme.impact.figures import Filters, compute

# Housekeeping only: a new version makes older entries unreachable, this lets the cache drop them.
TIMEOUT = 6 * 60 * 60


def data_version() -> int | None:
    """The version of the data, or None when the cache must not be used.

    On PostgreSQL the triggers run at commit, so a transaction that has written (it has a
    transaction id) does not see its own writes in the version: it computes live.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT (SELECT version FROM impact_dataversion WHERE id = 1),"
                " txid_current_if_assigned()"
            )
            version, pending = cursor.fetchone()
            return None if pending is not None else version
        cursor.execute("SELECT version FROM impact_dataversion WHERE id = 1")
        row = cursor.fetchone()
        return row[0] if row else None


def _key(name: str, version: int, filters: Filters) -> str:
    digest = hashlib.sha256(repr(dataclasses.astuple(filters)).encode()).hexdigest()[:32]
    return f"impact:{name}:{version}:{digest}"


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
