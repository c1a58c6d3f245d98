"""Forgiving search over people: case- and accent-insensitive everywhere, fuzzy on PostgreSQL.

On PostgreSQL the `unaccent` and `pg_trgm` extensions (created by a migration) give accent
folding and trigram similarity, so "Rosi" finds "Rossi". SQLite has neither: we register a small
SQL function that folds case and accents, so substring search works the same way, but without
typo tolerance (the honest fallback; duplicate detection then compares names in Python).
"""

import difflib
import unicodedata

from django.db import connection
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat

SIMILARITY_THRESHOLD = 0.45
DUPLICATE_SIMILARITY = 0.6
SQLITE_FOLD_FUNCTION = "insieme_fold"


def fold_text(value: str | None) -> str | None:
    """Lower case without accents; apostrophe variants made equal."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Fold(Func):
    """SQL: the text in lower case without accents."""

    output_field = CharField()
    template = "LOWER(%(expressions)s)"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="UNACCENT(LOWER(%(expressions)s))", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=f"{SQLITE_FOLD_FUNCTION}(%(expressions)s)",
            **extra_context,
        )


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: teach SQLite to fold accents like PostgreSQL's unaccent."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FOLD_FUNCTION, 1, fold_text, deterministic=True
        )


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _names():
    return Fold(Concat("last_name", Value(" "), "first_name", output_field=CharField()))


def search_people(queryset: QuerySet, text: str) -> QuerySet:
    """People whose name, code or comune contain every word of `text` (or, on PostgreSQL,
    whose name is similar to it), the most similar first."""
    folded = (fold_text(text) or "").strip()
    terms = folded.split()
    if not terms:
        return queryset
    queryset = queryset.annotate(
        search_text=Fold(
            Concat(
                "last_name",
                Value(" "),
                "first_name",
                Value(" "),
                "fiscal_code",
                Value(" "),
                Coalesce("residence_comune__name", Value("")),
                output_field=CharField(),
            )
        )
    )
    contains_all = Q()
    for term in terms:
        contains_all &= Q(search_text__contains=term)
    if not is_postgresql():
        return queryset.filter(contains_all)
    from django.contrib.postgres.search import TrigramWordSimilarity

    queryset = queryset.annotate(
        name_text=_names(), similarity=TrigramWordSimilarity(folded, F("name_text"))
    )
    return queryset.filter(contains_all | Q(similarity__gte=SIMILARITY_THRESHOLD))


def similar_people(queryset: QuerySet, *, last_name: str, first_name: str, birth_date) -> list:
    """Possible duplicates: same birth date and the same or a very similar name."""
    target = fold_text(f"{last_name} {first_name}") or ""
    queryset = queryset.annotate(name_text=_names())
    if birth_date is None:
        return list(queryset.filter(name_text=target)[:10])
    same_day = queryset.filter(birth_date=birth_date)
    if is_postgresql():
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            same_day.annotate(similarity=TrigramSimilarity(F("name_text"), target))
            .filter(Q(name_text=target) | Q(similarity__gte=DUPLICATE_SIMILARITY))
            .order_by("-similarity")[:10]
        )
    return [
        person
        for person in same_day[:500]
        if difflib.SequenceMatcher(None, person.name_text, target).ratio() >= 0.8
    ][:10]
