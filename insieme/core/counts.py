"""Row counts of lists, kept in the shared cache until a table they read changes.

A paginated list shows "People found: 200,000": Django's Paginator asks the database for an
exact ``COUNT(*)`` of the filtered list on every request, the most expensive query of a list page
at regional scale (a sequential scan of 200,000 people). The count changes only when a row of a
table the list reads is written, so it is kept in the shared database cache under the version of
every table the query reads (`TableVersion`, changed by database triggers at the commit of every
write to the table: services, bulk updates, the workbook import and raw SQL alike).

The versions are read before the count, so an entry never holds a count older than its key: a
later commit changes a version and the next reader counts afresh. A query reading a table that
has no version (no trigger: a table added after migration core 0003, or a third-party table), or
SQL we cannot see into (``extra()``, ``RawSQL``), is counted live every time; so is everything
inside a PostgreSQL transaction that has written (its triggers only run at commit). The key holds
the query's SQL and parameters (the filters, the user a list is scoped to, today's date).
"""

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.db.models.sql.where import ExtraWhere
from django.utils.functional import cached_property

# Housekeeping only: a new version makes older entries unreachable, this lets the cache drop them.
TIMEOUT = 6 * 60 * 60


def _walk(node: Any, tables: set[str]) -> bool:
    """Add the tables `node` reads to `tables`; False if it holds SQL we cannot see into."""
    if isinstance(node, Query):
        if node.extra or node.extra_tables:
            return False
        if node.model is not None:  # the base table, before compiling adds it to alias_map
            tables.add(node.model._meta.db_table)
        for alias in node.alias_map.values():
            name = getattr(alias, "table_name", None)
            if not isinstance(name, str):
                return False
            tables.add(name)
        parts = [node.where, *node.annotations.values(), *node.combined_queries]
        return all(_walk(part, tables) for part in parts)
    if isinstance(node, RawSQL | ExtraWhere):
        return False
    inner = getattr(node, "query", None)
    if isinstance(inner, Query) and not _walk(inner, tables):  # Subquery, Exists
        return False
    sources = getattr(node, "get_source_expressions", None)
    return sources is None or all(_walk(child, tables) for child in sources() if child is not None)


def tables_read(queryset: QuerySet) -> set[str] | None:
    """The database tables `queryset` reads (subqueries included), or None if not all known."""
    tables: set[str] = set()
    return tables if _walk(queryset.query, tables) else None


def table_versions(tables: set[str], using: str) -> dict[str, int] | None:
    """The version of each table, or None when the cache must not be used (a table without a
    version, or a PostgreSQL transaction that has written and would not see its own writes in
    the versions)."""
    connection = connections[using]
    names = sorted(tables)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"SELECT table_name, version FROM core_tableversion WHERE table_name IN ({placeholders})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT table_name, version, txid_current_if_assigned()"
                f" FROM core_tableversion WHERE table_name IN ({placeholders})",
                names,
            )
            rows = cursor.fetchall()
            if any(row[2] is not None for row in rows):
                return None
        else:
            cursor.execute(sql, names)
            rows = cursor.fetchall()
    versions = {row[0]: row[1] for row in rows}
    return versions if len(versions) == len(names) else None


def count(queryset: QuerySet) -> int:
    """``queryset.count()``, from the cache while no table it reads has changed."""
    query = queryset.query.chain()
    query.clear_ordering(force=True)  # one entry for every order of the same rows
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return queryset.count()
    tables: set[str] = set()
    if not _walk(query, tables) or not tables:  # compiled: every join is in its alias_map
        return queryset.count()
    versions = table_versions(tables, queryset.db)
    if versions is None:
        return queryset.count()
    digest = hashlib.sha256(
        repr((queryset.db, sql, params, sorted(versions.items()))).encode()
    ).hexdigest()
    key = f"count:{digest}"
    value = cache.get(key)
    if value is None:
        value = queryset.count()
        cache.set(key, value, TIMEOUT)
    return int(value)


class CountingPaginator(Paginator):
    """Django's Paginator, whose count of a queryset comes from the cache (`count`)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count(self.object_list)
        return super().count
