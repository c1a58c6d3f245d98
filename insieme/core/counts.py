"""Row counts of lists, kept in the shared cache until the data changes.

A paginated list shows "People found: 200,000": Django's Paginator asks the database for an
exact ``COUNT(*)`` of the filtered list on every request, the most expensive query of a list page
at regional scale (a sequential scan of 200,000 people). The count changes only when data is
written, so it is kept in the shared database cache under the version of the data
(`insieme.core.versions.data_version`, which changes at the commit of every write to any table
of the programme: services, bulk updates, the workbook import and raw SQL alike). The key also
holds the query's SQL and parameters (the filters, the user a list is scoped to, today's date),
so it needs no knowledge of which tables the query reads.

The version is read before the count, so an entry never holds a count older than its key: a
later commit changes the version and the next reader counts afresh. Inside a PostgreSQL
transaction that has written (its triggers only run at commit) the count is live.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from insieme.core.versions import data_version

# Housekeeping only: a new version makes older entries unreachable, this lets the cache drop them.
TIMEOUT = 6 * 60 * 60


def count(queryset: QuerySet) -> int:
    """``queryset.count()``, from the cache while no data has changed."""
    query = queryset.query.chain()
    query.clear_ordering(force=True)  # one entry for every order of the same rows
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return queryset.count()
    version = data_version(using=queryset.db)
    if version is None:
        return queryset.count()
    digest = hashlib.sha256(repr((queryset.db, sql, params, version)).encode()).hexdigest()
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
