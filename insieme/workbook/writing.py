"""Writing a checked programme workbook: bulk inserts and updates, a fixed number of queries per
sheet and per 5,000 rows, never one per row; then the registrations and projects the rows imply."""

import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from insieme.calls.models import Application, ApplicationStatus
from insieme.employment.models import Registration
from insieme.people.models import Person
from insieme.projects.models import Project

from .lookups import chunks, key_in
from .specs import DIRECT_REFS, Spec


def pk_map(model: type[models.Model], key: str, codes: set[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for chunk in chunks(sorted(codes)):
        mapping.update(
            model._default_manager.filter(key_in(model, key, chunk)).values_list(key, "pk")  # type: ignore[misc]
        )
    return mapping


def write(
    spec: Spec,
    to_create: list[tuple[str, dict[str, Any]]],
    to_update: list[tuple[int, dict[str, Any]]],
) -> None:
    tz = timezone.get_default_timezone()
    maps: dict[str, dict[str, int]] = {}
    rows = [values for _key, values in to_create] + [values for _pk, values in to_update]
    for name, ref in spec.refs.items():
        if (spec.sheet, name) not in DIRECT_REFS:
            codes = {r[name] for r in rows if r.get(name)}
            maps[name] = pk_map(ref.model, ref.key, codes)

    def model_values(values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in spec.fields:
            value = values[name]
            if name in spec.refs:
                if (spec.sheet, name) not in DIRECT_REFS and value is not None:
                    value = maps[name][value]
                out[f"{name}_id"] = value
            elif name in spec.as_date and value is not None:
                out[name] = datetime.datetime.combine(value, spec.as_date[name], tzinfo=tz)
            else:
                out[name] = value
        return out

    has_updated_at = any(f.name == "updated_at" for f in spec.model._meta.fields)
    now = timezone.now()
    _insert(
        spec.model, [{spec.key_field: key, **model_values(values)} for key, values in to_create]
    )

    changed = [(pk, values) for pk, values in to_update if not values.get("_project_only")]
    updates = []
    for pk, values in changed:
        fields = model_values(values)
        current = values["_current"]
        for name in spec.as_date:
            # keep the time of a timestamp whose day has not changed
            if current.get(name) == values[name]:
                fields.pop(name)
        instance = spec.model(pk=pk, **fields)
        if has_updated_at:
            instance.updated_at = now  # type: ignore[attr-defined]
        instance._update_fields = list(fields)  # type: ignore[attr-defined]
        updates.append(instance)
    _bulk_update(spec, updates, has_updated_at)

    if spec.sheet == "persone":
        _write_registrations(to_create, changed)
    if spec.sheet == "candidature":
        _create_projects(to_create, to_update)


# Fields whose Python values the database drivers take as they are.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.DateField,
    models.BooleanField,
    models.IntegerField,
    models.DecimalField,
    models.ForeignKey,
)


def _prep(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows (by attribute name), many rows per INSERT statement.

    Django's bulk_create compiles every value of every row through the ORM, which costs more
    than the database itself on a 100,000-row workbook; this writes the same values directly.
    Fields a row does not give get their model default (timestamps: now).
    """
    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()
    ops = connection.ops
    adapt: dict[str, Callable[[Any], Any]] = {}
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt[f.attname] = ops.adapt_datetimefield_value
        elif not isinstance(f, _PLAIN_FIELDS):
            adapt[f.attname] = functools.partial(_prep, f)
    columns = ", ".join(ops.quote_name(f.column or f.attname) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = ops.quote_name(model._meta.db_table)
    names = [f.attname for f in fields]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(
                        [
                            adapt[name](value)
                            if name in adapt
                            and (value := row.get(name, defaults[name])) is not None
                            else row.get(name, defaults[name])
                            for name in names
                        ]
                    )
        return
    # several rows per statement, within the number of parameters SQLite accepts
    per_statement = max(1, min(1000, 30000 // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params: list[Any] = []
            for row in batch:
                for name in names:
                    value = row.get(name, defaults[name])
                    if name in adapt and value is not None:
                        value = adapt[name](value)
                    params.append(value)
            values = ", ".join([one_row] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)


def _bulk_update(spec: Spec, instances: list[Any], has_updated_at: bool) -> None:
    # group by the set of fields written, so that untouched timestamps keep their time of day
    groups: dict[tuple[str, ...], list[Any]] = {}
    for instance in instances:
        groups.setdefault(tuple(instance._update_fields), []).append(instance)
    for fields, group in groups.items():
        names = [f.removesuffix("_id") if f.endswith("_id") else f for f in fields]
        if has_updated_at:
            names.append("updated_at")
        spec.model._default_manager.bulk_update(group, names, batch_size=1000)


def _write_registrations(
    to_create: list[tuple[str, dict[str, Any]]], changed: list[tuple[int, dict[str, Any]]]
) -> None:
    dates = {key: values["registered_on"] for key, values in to_create if values["registered_on"]}
    person_pk = pk_map(Person, "fiscal_code", set(dates))
    new = [{"person_id": person_pk[key], "registered_on": day} for key, day in dates.items()]
    moved: dict[int, datetime.date] = {}
    for pk, values in changed:
        day, current = values["registered_on"], values["_current"]["registered_on"]
        if day is None or day == current:
            continue
        if current is None:
            new.append({"person_id": pk, "registered_on": day})
        else:
            moved[pk] = day
    _insert(Registration, new)
    if moved:
        # the workbook's sign-up date is the person's first sign-up: move the earliest one
        earliest = {}
        for chunk in chunks(sorted(moved)):
            for registration in Registration.objects.filter(person_id__in=chunk).order_by(
                "person_id", "-registered_on", "-pk"
            ):
                earliest[registration.person_id] = registration
        for person_id, registration in earliest.items():
            registration.registered_on = moved[person_id]
        Registration.objects.bulk_update(earliest.values(), ["registered_on"], batch_size=1000)


def _create_projects(
    to_create: list[tuple[str, dict[str, Any]]], to_update: list[tuple[int, dict[str, Any]]]
) -> None:
    """An application admitted to accompaniment has a project: create the missing ones."""
    admitted = {
        key: values["outcome_date"]
        for key, values in to_create
        if values["status"] == ApplicationStatus.ACCOMPANIED
    }
    pks = pk_map(Application, "code", set(admitted))
    candidates = {pks[key]: day for key, day in admitted.items()}
    candidates |= {
        pk: values["outcome_date"]
        for pk, values in to_update
        if values["status"] == ApplicationStatus.ACCOMPANIED
    }
    have: set[int] = set()
    for chunk in chunks(sorted(candidates)):
        have.update(
            Project.objects.filter(application_id__in=chunk).values_list(
                "application_id", flat=True
            )
        )
    _insert(
        Project,
        [
            {"application_id": pk, "started_on": day}
            for pk, day in candidates.items()
            if pk not in have
        ],
    )
