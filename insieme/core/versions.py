"""The version of the data: what the shared cache keys its entries on (list counts, figures).

Every table of the programme's apps (and of django.contrib.auth) has database triggers that give
it a new version (`TableVersion`) at the commit of every write to it: services, bulk updates,
the workbook import and raw SQL alike, all without the code having to say what it wrote
(migration core 0003: on PostgreSQL a deferred constraint trigger per row that bumps once per
transaction, plus a TRUNCATE trigger; on SQLite row triggers). Each table has its own row, so
writers to different tables never wait for one another at commit.

`data_version()` is a digest of those rows: of all of them (a cached list count, whatever tables
its query reads), or of the tables a reader names (the figures). It is read before the cached
value is computed, so an entry never holds data older than its key; a version row never takes a
value twice (a sequence, or a random number on SQLite), so a digest never comes back either.

A table added later needs the triggers in a migration of its own (as core 0003 does them;
`insieme.core.tests.test_counts` fails on PostgreSQL for a table without them), or a cache would
miss its writes. On SQLite, where a migration that rebuilds a table drops its triggers,
`restore_sqlite_triggers` gives them back after `migrate`. The outbox (`core_event`, `core_eventdelivery`) has none: it is written only together
with the domain tables an event speaks of.
"""

import hashlib
from collections.abc import Iterable

from django.db import connections

# Written by the triggers themselves, or only ever with other tables (see above).
UNVERSIONED = frozenset({"core_tableversion", "core_event", "core_eventdelivery"})


def restore_sqlite_triggers(*, using: str = "default", **kwargs) -> None:
    """After `migrate` on SQLite: give back the triggers of tables that a migration rebuilt.

    SQLite cannot alter most of a table in place, so Django's schema editor copies it into a new
    table (adding a check constraint, changing a column), which drops the table's triggers;
    PostgreSQL alters in place and keeps them. A table that had triggers still has its row of
    versions (core 0003 writes one for each), so those are the tables whose triggers come back;
    a table that never had them stays without (and `test_counts` says so). Connected to
    `post_migrate` (CoreConfig)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    if "core_tableversion" not in existing:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM core_tableversion")
        tables = {row[0] for row in cursor.fetchall()} & existing
        for table in sorted(tables):
            for op in ("insert", "update", "delete"):
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS insieme_table_version_{table}_{op}"
                    f" AFTER {op.upper()} ON {table} BEGIN INSERT OR REPLACE INTO"
                    f" core_tableversion (table_name, version) VALUES ('{table}', random()); END;"
                )


def data_version(tables: Iterable[str] | None = None, *, using: str = "default") -> str | None:
    """The version of `tables` (all of them when None), or None when a cache must not be used.

    On PostgreSQL the triggers run at commit, so a transaction that has written (it has a
    transaction id) does not see its own writes in the versions: it reads live.
    """
    connection = connections[using]
    names = sorted(set(tables)) if tables is not None else None
    where = " WHERE table_name IN ({})".format(", ".join(["%s"] * len(names))) if names else ""
    params = names or []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One query: the versions, and whether this transaction has written.
            cursor.execute(
                "SELECT txid_current_if_assigned(), (SELECT string_agg(table_name || '=' ||"
                f" version, ',' ORDER BY table_name) FROM core_tableversion{where})",
                params,
            )
            pending, text = cursor.fetchone()
            if pending is not None:
                return None
        else:
            cursor.execute(f"SELECT table_name, version FROM core_tableversion{where}", params)
            text = ",".join(f"{name}={version}" for name, version in sorted(cursor.fetchall()))
    return hashlib.sha256((text or "").encode()).hexdigest()[:32]
