"""Possible duplicates of a person being registered: same birth date and the same or a very
similar name. Searching the registry is `insieme.core.listing.search`, like every other list.

On PostgreSQL names are compared by pg_trgm similarity; SQLite has no trigrams, so there the
candidates born the same day are compared in Python (the honest fallback)."""

import datetime
import difflib

from django.db import connections
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from insieme.core.listing import Similarity, Unaccent, normalise_text

DUPLICATE_SIMILARITY = 0.6  # pg_trgm similarity of "surname name"
SQLITE_RATIO = 0.8  # difflib ratio of "surname name"


def _folded_name():
    return Lower(Unaccent(Concat("last_name", Value(" "), "first_name", output_field=CharField())))


def similar_people(
    queryset: QuerySet, *, last_name: str, first_name: str, birth_date: datetime.date | None
) -> list:
    """Possible duplicates: same birth date and the same or a very similar name (without a
    birth date, only the same name)."""
    target = normalise_text(f"{last_name} {first_name}")
    queryset = queryset.annotate(name_text=_folded_name())
    if birth_date is None:
        return list(queryset.filter(name_text=target)[:10])
    same_day = queryset.filter(birth_date=birth_date)
    if connections[queryset.db].vendor == "postgresql":
        return list(
            same_day.annotate(similarity=Similarity("name_text", Value(target)))
            .filter(Q(name_text=target) | Q(similarity__gte=DUPLICATE_SIMILARITY))
            .order_by("-similarity")[:10]
        )
    return [
        person
        for person in same_day[:500]
        if difflib.SequenceMatcher(None, normalise_text(person.name_text), target).ratio()
        >= SQLITE_RATIO
    ][:10]
