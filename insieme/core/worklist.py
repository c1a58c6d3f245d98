"""What waits for a user today, on their home page: the worklist of each role.

Core knows none of the apps above it, so each app registers its entries in its
``AppConfig.ready()``::

    worklist.register(worklist.Entry(
        key="employment.to_contact",
        role="operatore",
        label=_("People to contact"),
        items=lambda user, today: Registration.objects.filter(...).select_related("person"),
        url=lambda user, today: reverse("employment:queue") + "?da_contattare=1",
        row=lambda registration, today: worklist.Row(str(registration.person), ...),
    ))

`items(user, today)` returns a queryset scoped to what `user` may see (the app's own
``visible_to`` or the filter of the list it links to), with what `row` reads already joined
(``select_related``): the home counts it in the database and reads its first `SHORT_LIST`
rows, two queries per entry whatever the number of rows. `url(user, today)` is the list that
shows exactly the rows counted. An entry without `row` shows its count only (aggregates, for
roles that must see no names).

The global search of the header (`insieme.core.views.search`) is filled the same way:
`register_search(Source(...))`, one query per source.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

SHORT_LIST = 5


@dataclass(frozen=True)
class Row:
    """One line of a short list: what it is, where it leads, a detail (a date, a count)."""

    text: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Entry:
    key: str
    role: str
    label: str | Promise
    items: Callable[[Any, datetime.date], QuerySet]
    url: Callable[[Any, datetime.date], str]
    row: Callable[[Any, datetime.date], Row] | None = None
    # Something late (a wait over the target, a follow-up overdue): drawn as an alert.
    late: bool = False
    order: int = 100
    # Who may see the entry among the users of `role` (e.g. only administrators of a part).
    applies: Callable[[Any], bool] = field(default=lambda user: True)


@dataclass
class Item:
    """An entry as the home shows it: the count, the link, the first rows."""

    entry: Entry
    count: int
    url: str
    rows: list[Row]

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


_entries: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    """Add (or replace, by key) an entry of a role's worklist."""
    _entries[entry.key] = entry
    return entry


def entries_for(role: str) -> list[Entry]:
    return sorted(
        (entry for entry in _entries.values() if entry.role == role),
        key=lambda entry: (entry.order, entry.key),
    )


def worklist(user: Any, role: str, today: datetime.date) -> list[Item]:
    """The worklist of `user` as `role`: per entry a COUNT and, if any, one query for the rows."""
    items = []
    for entry in entries_for(role):
        if not entry.applies(user):
            continue
        queryset = entry.items(user, today)
        count = queryset.count()
        rows: list[Row] = []
        if count and entry.row is not None:
            rows = [entry.row(obj, today) for obj in queryset[:SHORT_LIST]]
        items.append(Item(entry=entry, count=count, url=entry.url(user, today), rows=rows))
    return items


# --- global search -----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where the header's search looks: `find(user, query)` returns the matching rows `user`
    may see (a queryset; the search reads at most `SEARCH_LIMIT` of them in one query),
    `row(obj, user)` how each one reads. `applies(user)` says whether the source is searched for that user at
    all (funders never search people)."""

    key: str
    label: str | Promise
    find: Callable[[Any, str], QuerySet]
    row: Callable[[Any, Any], Row]  # (obj, user)
    applies: Callable[[Any], bool]
    order: int = 100
    # The URL name of the full list behind the results, searched for the same text (its search
    # reads ``q`` or the session token ``ricerca`` of `insieme.core.listing`).
    more_url: str = ""


@dataclass
class Found:
    source: Source
    rows: list[Row]
    truncated: bool


_sources: dict[str, Source] = {}
SEARCH_LIMIT = 10


def register_search(source: Source) -> Source:
    _sources[source.key] = source
    return source


def search_sources(user: Any) -> list[Source]:
    return sorted(
        (source for source in _sources.values() if source.applies(user)),
        key=lambda source: (source.order, source.key),
    )


def search_everywhere(user: Any, query: str) -> list[Found]:
    """Every source `user` may search, with its first rows for `query` (one query each)."""
    found: list[Found] = []
    if not query.strip():
        return found
    for source in search_sources(user):
        objects = list(source.find(user, query)[: SEARCH_LIMIT + 1])
        found.append(
            Found(
                source=source,
                rows=[source.row(obj, user) for obj in objects[:SEARCH_LIMIT]],
                truncated=len(objects) > SEARCH_LIMIT,
            )
        )
    return found
