"""Comparing a workbook with the database: existing rows by their natural keys, in chunks (one
array parameter on PostgreSQL), and whether a row would change."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .specs import CHUNK, DIRECT_REFS, Spec


def chunks(items: list[Any]) -> Iterable[list[Any]]:
    # PostgreSQL takes a whole list as one array parameter (see key_in): no need to split it
    size = len(items) or 1 if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def key_in(model: type[models.Model], key: str, codes: list[Any]) -> Any:
    """`key IN codes`; on PostgreSQL as `= ANY(array)`, one parameter instead of thousands."""
    if connection.vendor != "postgresql":
        return Q(**{f"{key}__in": codes})
    field = model._meta.get_field(key)
    column = f"{connection.ops.quote_name(model._meta.db_table)}."
    column += connection.ops.quote_name(field.column)  # type: ignore[union-attr, arg-type]
    return RawSQL(f"{column} = ANY(%s)", (list(codes),), output_field=models.BooleanField())


def existing_keys(model: type[models.Model], key: str, codes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(sorted(set(codes))):
        found.update(
            model._default_manager.filter(key_in(model, key, chunk)).values_list(key, flat=True)
        )  # type: ignore[misc]
    return found


def natural_columns(spec: Spec) -> dict[str, str]:
    """Model field -> the values() path that gives its natural value."""
    columns = {}
    for name in spec.fields:
        ref = spec.refs.get(name)
        if (spec.sheet, name) in DIRECT_REFS or ref is None:
            columns[name] = f"{name}_id" if ref else name
        else:
            columns[name] = f"{name}__{ref.key}"
    return columns


def load_existing(spec: Spec, keys: list[str]) -> dict[str, tuple[int, dict[str, Any]]]:
    columns = natural_columns(spec)
    existing: dict[str, tuple[int, dict[str, Any]]] = {}
    tz = timezone.get_default_timezone()
    extra: dict[str, Any] = {}
    if spec.sheet == "persone":
        extra["registered_on"] = models.Min("registrations__registered_on")
    for chunk in chunks(keys):
        rows = (
            spec.model._default_manager.filter(key_in(spec.model, spec.key_field, chunk))
            .annotate(**extra)
            .values("pk", spec.key_field, *columns.values(), *extra)
        )
        for row in rows:
            natural = {name: row[path] for name, path in columns.items()}
            for name in spec.as_date:
                if natural[name] is not None:
                    natural[name] = natural[name].astimezone(tz).date()
            for name in extra:
                natural[name] = row[name]
            existing[row[spec.key_field]] = (row["pk"], natural)
    return existing


def same(spec: Spec, wanted: dict[str, Any], current: dict[str, Any]) -> bool:
    for name, value in wanted.items():
        if name == "registered_on" and value is None:
            continue  # an empty sign-up date leaves the person's sign-ups alone
        if current.get(name) != value:
            return False
    return True


# --- the service -------------------------------------------------------------------------------
