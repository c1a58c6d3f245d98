"""Importing a programme workbook (DOMAIN.md, "The programme workbook").

`import_workbook(source, dry_run=..., by=..., progress=...)` reads every sheet, checks every row and
every reference, and only when nothing is wrong writes everything in one transaction, with bulk
queries (a fixed number per sheet and per 5,000 rows, never one per row). A dry run stops before
writing and reports what would be created, updated and left unchanged.

Rows are compared with the database by their natural keys (codes), so that importing the same
workbook twice changes nothing and a dry run can tell apart new, changed and unchanged rows.
"""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.core.audit import log_event
from insieme.core.models import ContractType, Sector
from insieme.employment.models import Interview, InterviewKind, Registration
from insieme.grants.models import Disbursement, Grant
from insieme.impact.models import ImportStatus, WorkbookImport
from insieme.network.models import LegalForm, NetworkRole, Organisation
from insieme.people.models import EmploymentCondition, Person, Sex
from insieme.placements.models import Placement
from insieme.projects.models import Project

from . import values as v
from .reader import SHEETS, Sheet, Source, UnreadableWorkbook, read

CHUNK = 5000
Progress = Callable[[int, int], None]

# Timestamps the workbook gives as dates: the time of day they are stored at (Europe/Rome).
SUBMISSION_TIME = datetime.time(12, 0)
OPENING_TIME = datetime.time(0, 0)
CLOSING_TIME = datetime.time(23, 59, 59)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    value: str
    message: str


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    dry_run: bool
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


# --- sheet specifications ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A foreign key given in the workbook by the natural key of the row it points to."""

    model: type[models.Model]
    key: str  # natural key field of the target


@dataclass(frozen=True)
class Spec:
    sheet: str
    model: type[models.Model]
    key_field: str
    key_column: str
    required: tuple[str, ...]
    fields: tuple[str, ...]  # model fields the workbook sets (foreign keys by name)
    refs: dict[str, Ref] = field(default_factory=dict)
    # fields stored as timestamps but given (and compared) as dates
    as_date: dict[str, datetime.time] = field(default_factory=dict)


SPECS = {
    "persone": Spec(
        "persone",
        Person,
        "fiscal_code",
        "codice_fiscale",
        ("codice_fiscale", "cognome", "nome"),
        (
            "fiscal_code_is_temporary",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "residence_comune",
            "email",
            "phone",
            "employment_condition",
            "education_level",
        ),
        refs={"residence_comune": Ref(Person, "pk")},
    ),
    "organizzazioni": Spec(
        "organizzazioni",
        Organisation,
        "fiscal_code",
        "codice_fiscale",
        ("codice_fiscale", "denominazione"),
        (
            "name",
            "legal_form",
            "third_sector",
            "comune",
            "is_partner",
            "is_employer",
            "is_training",
            "is_funder",
            "joined_on",
        ),
        refs={"comune": Ref(Organisation, "pk")},
    ),
    "bandi": Spec(
        "bandi",
        Call,
        "code",
        "codice",
        ("codice", "titolo", "linea"),
        ("title", "line", "edition", "opens_at", "closes_at", "budget"),
        as_date={"opens_at": OPENING_TIME, "closes_at": CLOSING_TIME},
    ),
    "candidature": Spec(
        "candidature",
        Application,
        "code",
        "codice",
        ("codice", "bando", "titolo", "richiedente", "esito"),
        (
            "call",
            "title",
            "applicant_person",
            "applicant_organisation",
            "sector",
            "comune",
            "submitted_at",
            "status",
            "outcome_date",
            "score",
        ),
        refs={
            "call": Ref(Call, "code"),
            "applicant_person": Ref(Person, "fiscal_code"),
            "applicant_organisation": Ref(Organisation, "fiscal_code"),
            "sector": Ref(Sector, "code"),
            "comune": Ref(Person, "pk"),
        },
        as_date={"submitted_at": SUBMISSION_TIME},
    ),
    "contributi": Spec(
        "contributi",
        Grant,
        "code",
        "codice",
        ("codice", "candidatura", "finanziatore", "importo_concesso"),
        ("application", "funder", "amount_awarded", "awarded_on", "amount_revoked"),
        refs={
            "application": Ref(Application, "code"),
            "funder": Ref(Organisation, "fiscal_code"),
        },
    ),
    "erogazioni": Spec(
        "erogazioni",
        Disbursement,
        "code",
        "codice",
        ("codice", "contributo", "data", "importo"),
        ("grant", "paid_on", "amount"),
        refs={"grant": Ref(Grant, "code")},
    ),
    "colloqui": Spec(
        "colloqui",
        Interview,
        "code",
        "codice",
        ("codice", "codice_fiscale", "data"),
        ("person", "date", "kind"),
        refs={"person": Ref(Person, "fiscal_code")},
    ),
    "inserimenti": Spec(
        "inserimenti",
        Placement,
        "code",
        "codice",
        ("codice", "codice_fiscale", "datore", "tipo_contratto", "data_inizio"),
        (
            "person",
            "employer",
            "contract_type",
            "start_date",
            "end_date",
            "weekly_hours",
            "is_extension",
            "application",
        ),
        refs={
            "person": Ref(Person, "fiscal_code"),
            "employer": Ref(Organisation, "fiscal_code"),
            "contract_type": Ref(ContractType, "code"),
            "application": Ref(Application, "code"),
        },
    ),
}
# Comuni are keyed on the ISTAT code, which is their primary key: nothing to resolve.
DIRECT_REFS = {("persone", "residence_comune"), ("organizzazioni", "comune")}
DIRECT_REFS |= {("candidature", "comune")}


# --- row parsing -------------------------------------------------------------------------------


@dataclass
class Parsed:
    row: int
    values: dict[str, Any]
    cells: dict[str, Any]


class Checker:
    """Parses the cells of every sheet, collecting every problem."""

    def __init__(self, sheets: dict[str, Sheet]) -> None:
        self.sheets = sheets
        self.errors: list[Problem] = []
        self.comuni = v.ComuneIndex.load()
        self.sectors = set(Sector.objects.values_list("code", flat=True))
        self.contract_types = set(ContractType.objects.values_list("code", flat=True))
        self.sector_choice = _choice(sorted(self.sectors))
        self.contract_choice = _choice(sorted(self.contract_types))
        self.parsed: dict[str, dict[str, Parsed]] = {name: {} for name in SHEETS}
        # every key the workbook has, even on rows with problems (no cascade of errors)
        self.keys: dict[str, set[str]] = {name: set() for name in SHEETS}
        # (target kind, code) -> first place it is referenced, for the missing-reference errors
        self.references: list[tuple[str, str, str, int, str, Any]] = []

    def problem(
        self, sheet: str, row: int, column: str, value: Any, message: Promise | str, **params: Any
    ) -> None:
        text = str(message) % params if params else str(message)
        self.errors.append(Problem(sheet, row, column, v.text(value), text))

    def run(self) -> None:
        for name in SHEETS:
            sheet = self.sheets.get(name)
            if sheet is None:
                continue
            spec = SPECS[name]
            missing = [c for c in spec.required if c not in sheet.headers]
            for column in missing:
                self.problem(name, 1, column, "", _("This required column is missing."))
            if missing:
                continue
            parse_row = getattr(self, f"_row_{name}")
            seen = self.parsed[name]
            for number, cells in sheet.rows:
                row = RowParser(self, name, number, cells)
                key = row.key(spec.key_column, fiscal=name in ("persone", "organizzazioni"))
                values = parse_row(row)
                if key is not None:
                    self.keys[name].add(key)
                if key is None or row.failed:
                    continue
                if key in seen:
                    self.problem(
                        name,
                        number,
                        spec.key_column,
                        cells.get(spec.key_column),
                        _("This code is repeated: it is already on row %(first)d."),
                        first=seen[key].row,
                    )
                    continue
                self._check_lengths(spec, row, values)
                seen[key] = Parsed(number, values, cells)

    def _check_lengths(self, spec: Spec, row: "RowParser", values: dict[str, Any]) -> None:
        for name, value in values.items():
            if not isinstance(value, str) or name in spec.refs or name not in spec.fields:
                continue
            max_length = spec.model._meta.get_field(name).max_length  # type: ignore[union-attr]
            if max_length and len(value) > max_length:
                row.error(
                    row.column_of.get(name, name),
                    value,
                    _("This text is too long: at most %(limit)d characters."),
                    limit=max_length,
                )

    # One method per sheet: the columns of DOMAIN.md, as model fields.

    def _row_persone(self, row: "RowParser") -> dict[str, Any]:
        code = v.normalise_fiscal_code(row.cells.get("codice_fiscale"))
        email = row.get("email", v.text, field="email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", email, _("This is not a valid e-mail address."))
        return {
            "fiscal_code_is_temporary": code.isdigit(),
            "last_name": row.get("cognome", v.text, required=True, field="last_name"),
            "first_name": row.get("nome", v.text, required=True, field="first_name"),
            "birth_date": row.get("data_nascita", v.parse_date),
            "sex": (row.get("genere", _SEX) or "").upper(),
            "residence_comune": row.get("comune_residenza", self.comuni.parse),
            "email": email,
            "phone": row.get("telefono", v.text, field="phone"),
            "employment_condition": row.get("condizione", _CONDITION, field="employment_condition"),
            "education_level": row.get("titolo_studio", v.text, field="education_level"),
            "registered_on": row.get("data_iscrizione", v.parse_date),
        }

    def _row_organizzazioni(self, row: "RowParser") -> dict[str, Any]:
        roles = row.get("ruoli", _roles) or set()
        return {
            "name": row.get("denominazione", v.text, required=True, field="name"),
            "legal_form": row.get("forma", _LEGAL_FORM, field="legal_form"),
            "third_sector": row.get("ets", v.parse_bool),
            "comune": row.get("comune", self.comuni.parse),
            **{field: role in roles for role, field in Organisation.ROLE_FIELDS.items()},
            "joined_on": row.get("data_adesione", v.parse_date),
        }

    def _row_bandi(self, row: "RowParser") -> dict[str, Any]:
        values = {
            "title": row.get("titolo", v.text, required=True, field="title"),
            "line": row.get("linea", _LINE, required=True),
            "edition": row.get("edizione", v.parse_year),
            "opens_at": row.get("apertura", v.parse_date),
            "closes_at": row.get("chiusura", v.parse_date),
            "budget": row.get("budget", v.parse_money),
        }
        if values["opens_at"] and values["closes_at"] and values["closes_at"] < values["opens_at"]:
            row.error(
                "chiusura", row.cells.get("chiusura"), _("The closing date precedes the opening.")
            )
        return values

    def _row_candidature(self, row: "RowParser") -> dict[str, Any]:
        values = {
            "call": row.ref("bando", "bandi"),
            "title": row.get("titolo", v.text, required=True, field="title"),
            # the applicant: a person or an organisation, resolved once every sheet is read
            "applicant": row.get("richiedente", v.normalise_fiscal_code, required=True),
            "sector": row.get("settore", self.sector_choice) or None,
            "comune": row.get("comune", self.comuni.parse),
            "submitted_at": row.get("data_presentazione", v.parse_date),
            "status": row.get("esito", _OUTCOME, required=True),
            "outcome_date": row.get("data_esito", v.parse_date),
            "score": row.get("punteggio", lambda c: v.parse_number(c, maximum=Decimal("99999.99"))),
        }
        submitted, outcome = values["submitted_at"], values["outcome_date"]
        if submitted and outcome and outcome < submitted:
            row.error(
                "data_esito",
                row.cells.get("data_esito"),
                _("The outcome date precedes the submission date."),
            )
        return values

    def _row_contributi(self, row: "RowParser") -> dict[str, Any]:
        values = {
            "application": row.ref("candidatura", "candidature"),
            "funder": row.ref("finanziatore", "organizzazioni", fiscal=True),
            "amount_awarded": row.get("importo_concesso", v.parse_money, required=True),
            "awarded_on": row.get("data_concessione", v.parse_date),
            "amount_revoked": row.get("importo_revocato", v.parse_money) or Decimal("0.00"),
        }
        awarded = values["amount_awarded"]
        if awarded is not None and values["amount_revoked"] > awarded:
            row.error(
                "importo_revocato",
                row.cells.get("importo_revocato"),
                _("The amount revoked exceeds the amount awarded."),
            )
        return values

    def _row_erogazioni(self, row: "RowParser") -> dict[str, Any]:
        amount = row.get("importo", v.parse_money, required=True)
        if amount is not None and amount <= 0:
            row.error("importo", row.cells.get("importo"), _("A payment must be above zero."))
        return {
            "grant": row.ref("contributo", "contributi"),
            "paid_on": row.get("data", v.parse_date, required=True),
            "amount": amount,
        }

    def _row_colloqui(self, row: "RowParser") -> dict[str, Any]:
        return {
            "person": row.ref("codice_fiscale", "persone", fiscal=True),
            "date": row.get("data", v.parse_date, required=True),
            "kind": row.get("tipo", _INTERVIEW_KIND) or InterviewKind.OTHER,
        }

    def _row_inserimenti(self, row: "RowParser") -> dict[str, Any]:
        values = {
            "person": row.ref("codice_fiscale", "persone", fiscal=True),
            "employer": row.ref("datore", "organizzazioni", fiscal=True),
            "contract_type": row.get("tipo_contratto", self.contract_choice, required=True),
            "start_date": row.get("data_inizio", v.parse_date, required=True),
            "end_date": row.get("data_fine", v.parse_date),
            "weekly_hours": row.get(
                "ore_settimanali", lambda c: v.parse_number(c, maximum=Decimal(168))
            ),
            "is_extension": row.get("proroga", v.parse_bool),
            "application": row.ref("candidatura", "candidature", required=False),
        }
        if (
            values["start_date"]
            and values["end_date"]
            and values["end_date"] < values["start_date"]
        ):
            row.error(
                "data_fine",
                row.cells.get("data_fine"),
                _("A placement cannot end before it starts."),
            )
        return values


# the outcomes DOMAIN.md lists for `esito`; the steps in between are not part of the workbook
WORKBOOK_OUTCOMES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.ACCOMPANIED,
]
_OUTCOMES = [str(s) for s in WORKBOOK_OUTCOMES]


def _choice(choices: Iterable[str]) -> Callable[[Any], str]:
    allowed = list(choices)
    return lambda cell: v.parse_choice(cell, allowed)


_SEX = _choice([s.lower() for s in Sex.values])
_CONDITION = _choice(EmploymentCondition.values)
_LEGAL_FORM = _choice(LegalForm.values)
_LINE = _choice(Line.values)
_OUTCOME = _choice(_OUTCOMES)
_INTERVIEW_KIND = _choice(InterviewKind.values)
_NETWORK_ROLES = set(NetworkRole.values)


def _roles(cell: Any) -> set[str]:
    roles = {r.strip().lower() for r in v.text(cell).replace(";", ",").split(",") if r.strip()}
    unknown = roles - _NETWORK_ROLES
    if unknown:
        raise v.ValueProblem(
            _("Use one or more of: %(choices)s, separated by commas."),
            choices=", ".join(NetworkRole.values),
        )
    return roles


class RowParser:
    def __init__(self, checker: Checker, sheet: str, number: int, cells: dict[str, Any]) -> None:
        self.checker = checker
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.failed = False
        self.column_of: dict[str, str] = {}

    def error(self, column: str, value: Any, message: Promise | str, **params: Any) -> None:
        self.failed = True
        self.checker.problem(self.sheet, self.number, column, value, message, **params)

    def get(
        self,
        column: str,
        parser: Callable[[Any], Any],
        *,
        required: bool = False,
        field: str | None = None,
    ) -> Any:
        if field:
            self.column_of[field] = column
        cell = self.cells.get(column)
        if required and not v.text(cell):
            self.error(column, cell, _("This value is required."))
            return None
        try:
            return parser(cell)
        except v.ValueProblem as problem:
            self.error(column, cell, problem.message, **problem.params)
            return None

    def key(self, column: str, *, fiscal: bool) -> str | None:
        cell = self.cells.get(column)
        if not v.text(cell):
            self.error(column, cell, _("This value is required."))
            return None
        if fiscal:
            return self.get(column, v.parse_fiscal_code)
        return v.text(cell)

    def ref(
        self, column: str, target: str, *, fiscal: bool = False, required: bool = True
    ) -> str | None:
        parser = v.normalise_fiscal_code if fiscal else v.text
        code = self.get(column, parser, required=required)
        if code:
            self.checker.references.append(
                (target, code, self.sheet, self.number, column, self.cells.get(column))
            )
        return code or None


# --- comparing with the database ---------------------------------------------------------------


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    # PostgreSQL takes a whole list as one array parameter (see _key_in): no need to split it
    size = len(items) or 1 if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _key_in(model: type[models.Model], key: str, codes: list[Any]) -> Any:
    """`key IN codes`; on PostgreSQL as `= ANY(array)`, one parameter instead of thousands."""
    if connection.vendor != "postgresql":
        return Q(**{f"{key}__in": codes})
    field = model._meta.get_field(key)
    column = f"{connection.ops.quote_name(model._meta.db_table)}."
    column += connection.ops.quote_name(field.column)  # type: ignore[union-attr, arg-type]
    return RawSQL(f"{column} = ANY(%s)", (list(codes),), output_field=models.BooleanField())


def _existing_keys(model: type[models.Model], key: str, codes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(codes))):
        found.update(
            model._default_manager.filter(_key_in(model, key, chunk)).values_list(key, flat=True)
        )  # type: ignore[misc]
    return found


def _natural_columns(spec: Spec) -> dict[str, str]:
    """Model field -> the values() path that gives its natural value."""
    columns = {}
    for name in spec.fields:
        ref = spec.refs.get(name)
        if (spec.sheet, name) in DIRECT_REFS or ref is None:
            columns[name] = f"{name}_id" if ref else name
        else:
            columns[name] = f"{name}__{ref.key}"
    return columns


def _load_existing(spec: Spec, keys: list[str]) -> dict[str, tuple[int, dict[str, Any]]]:
    columns = _natural_columns(spec)
    existing: dict[str, tuple[int, dict[str, Any]]] = {}
    tz = timezone.get_default_timezone()
    extra: dict[str, Any] = {}
    if spec.sheet == "persone":
        extra["registered_on"] = models.Min("registrations__registered_on")
    for chunk in _chunks(keys):
        rows = (
            spec.model._default_manager.filter(_key_in(spec.model, spec.key_field, chunk))
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


def _same(spec: Spec, wanted: dict[str, Any], current: dict[str, Any]) -> bool:
    for name, value in wanted.items():
        if name == "registered_on" and value is None:
            continue  # an empty sign-up date leaves the person's sign-ups alone
        if current.get(name) != value:
            return False
    return True


# --- the service -------------------------------------------------------------------------------


def import_workbook(
    source: Source,
    *,
    dry_run: bool,
    by: Any = None,
    progress: Progress | None = None,
    file_name: str | None = None,
    upload: Any = None,
) -> ImportReport:
    """Check a workbook and, when every row is valid and this is not a dry run, write it.

    The rows are written in bulk, which leaves no trace per row in the audit log, so a written
    import records one audited event (who, file name, counts per sheet) on its `WorkbookImport`
    row, in the same transaction: `upload` for a web import, a new row otherwise.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        sheets = read(source)
    except UnreadableWorkbook:
        report.errors.append(
            Problem(
                "",
                0,
                "",
                "",
                str(
                    _(
                        "This file cannot be read: upload an .xlsx workbook or a .zip of CSV "
                        "files (UTF-8) named after the sheets."
                    )
                ),
            )
        )
        return report
    total = sum(len(s.rows) for s in sheets.values())
    step = _Steps(progress, total * (1 if dry_run else 2))

    checker = Checker(sheets)
    checker.run()
    step.advance(total)
    _resolve_references(checker)
    _check_disbursements(checker)
    if checker.errors:
        report.errors = sorted(checker.errors, key=lambda p: _position(sheets, p))
        return report

    plans: dict[str, tuple[list[tuple[str, dict[str, Any]]], list[tuple[int, dict[str, Any]]]]] = {}
    for name in SHEETS:
        if name not in sheets:
            continue
        spec = SPECS[name]
        wanted = checker.parsed[name]
        existing = _load_existing(spec, list(wanted))
        to_create, to_update = [], []
        counts = report.counts.setdefault(name, SheetCounts())
        for key, parsed in wanted.items():
            current = existing.get(key)
            if (
                current is not None
                and name == "candidature"
                and parsed.values["status"] == ApplicationStatus.SUBMITTED
                and current[1].get("status") == ApplicationStatus.IN_EVALUATION
            ):
                # "presentata" is how the export writes an application under evaluation:
                # re-importing it must not move the application back
                parsed.values["status"] = ApplicationStatus.IN_EVALUATION
            if current is None:
                to_create.append((key, parsed.values))
                counts.created += 1
            elif _same(spec, parsed.values, current[1]):
                counts.unchanged += 1
                if name == "candidature":
                    to_update.append((current[0], {"_project_only": True, **parsed.values}))
            else:
                to_update.append((current[0], {**parsed.values, "_current": current[1]}))
                counts.updated += 1
        plans[name] = (to_create, to_update)
    if dry_run:
        return report

    with transaction.atomic(), set_actor(by):
        for name, (to_create, to_update) in plans.items():
            _write(SPECS[name], to_create, to_update)
            step.advance(len(checker.parsed[name]))
        _record_import(report, source, by=by, file_name=file_name, upload=upload)
    return report


def _record_import(
    report: ImportReport, source: Source, *, by: Any, file_name: str | None, upload: Any
) -> None:
    counts = {
        name: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
        for name, c in report.counts.items()
    }
    user = by if getattr(by, "is_authenticated", False) else None
    if upload is None:
        name = file_name or (Path(source).name if isinstance(source, str | Path) else "")
        upload = WorkbookImport.objects.create(
            file_name=name[:200],
            content=b"",
            size=0,
            uploaded_by=user,
            confirmed_by=user,
            status=ImportStatus.DONE,
            counts=counts,
            finished_at=timezone.now(),
        )
    log_event(
        upload,
        by=user,
        event="workbook_imported",
        details={"file_name": upload.file_name, "counts": counts},
    )


def _position(sheets: dict[str, Sheet], problem: Problem) -> tuple[int, int, int]:
    """Errors in the order of the workbook: sheet, row, column."""
    headers = sheets[problem.sheet].headers if problem.sheet in sheets else []
    column = headers.index(problem.column) if problem.column in headers else len(headers)
    return (SHEETS.index(problem.sheet), problem.row, column)


class _Steps:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def advance(self, rows: int) -> None:
        self.done += rows
        if self.progress:
            self.progress(min(self.done, self.total), self.total)


_TARGETS: dict[str, tuple[type[models.Model], str]] = {
    "persone": (Person, "fiscal_code"),
    "organizzazioni": (Organisation, "fiscal_code"),
    "bandi": (Call, "code"),
    "candidature": (Application, "code"),
    "contributi": (Grant, "code"),
}

_MISSING = {
    "persone": _("There is no person with this codice fiscale in the workbook or in the database."),
    "organizzazioni": _(
        "There is no organisation with this codice fiscale in the workbook or in the database."
    ),
    "bandi": _("There is no call with this code in the workbook or in the database."),
    "candidature": _("There is no application with this code in the workbook or in the database."),
    "contributi": _("There is no grant with this code in the workbook or in the database."),
}


def _resolve_references(checker: Checker) -> None:
    wanted: dict[str, set[str]] = {name: set() for name in _TARGETS}
    for target, code, *_rest in checker.references:
        wanted[target].add(code)
    applicants = {p.values["applicant"] for p in checker.parsed["candidature"].values()}
    wanted["persone"] |= applicants
    wanted["organizzazioni"] |= applicants
    known: dict[str, set[str]] = {}
    for target, (model, key) in _TARGETS.items():
        in_workbook = checker.keys[target]
        known[target] = in_workbook | _existing_keys(model, key, wanted[target] - in_workbook)
    for target, code, sheet, row, column, cell in checker.references:
        if code not in known[target]:
            checker.problem(sheet, row, column, cell, _MISSING[target])
    for parsed in checker.parsed["candidature"].values():
        code = parsed.values.pop("applicant")
        is_person = code in known["persone"]
        if not is_person and code not in known["organizzazioni"]:
            checker.problem(
                "candidature",
                parsed.row,
                "richiedente",
                code,
                _(
                    "There is no person or organisation with this codice fiscale in the "
                    "workbook or in the database."
                ),
            )
        parsed.values["applicant_person"] = code if is_person else None
        parsed.values["applicant_organisation"] = None if is_person else code


def _check_disbursements(checker: Checker) -> None:
    """The payments of a grant may not exceed its net amount (awarded minus revoked)."""
    payments = checker.parsed["erogazioni"]
    grants = checker.parsed["contributi"]
    codes = sorted({p.values["grant"] for p in payments.values()} | set(grants))
    net: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    for chunk in _chunks(codes):
        for code, awarded, revoked in Grant.objects.filter(code__in=chunk).values_list(
            "code", "amount_awarded", "amount_revoked"
        ):
            net[code] = awarded - revoked
        for code, grant, amount in Disbursement.objects.filter(grant__code__in=chunk).values_list(
            "code", "grant__code", "amount"
        ):
            if code not in payments:
                paid[grant] = paid.get(grant, Decimal(0)) + amount
    for code, parsed in grants.items():
        net[code] = parsed.values["amount_awarded"] - parsed.values["amount_revoked"]
    reported: set[str] = set()
    for parsed in payments.values():
        grant = parsed.values["grant"]
        paid[grant] = paid.get(grant, Decimal(0)) + parsed.values["amount"]
        if grant in net and paid[grant] > net[grant] and grant not in reported:
            reported.add(grant)
            checker.problem(
                "erogazioni",
                parsed.row,
                "importo",
                parsed.cells.get("importo"),
                _(
                    "The payments of grant %(grant)s add up to more than its net amount "
                    "(%(net)s EUR)."
                ),
                grant=grant,
                net=f"{net[grant]:.2f}".replace(".", ","),
            )
    for code, total in paid.items():
        if code in grants and code not in reported and total > net[code]:
            parsed = grants[code]
            checker.problem(
                "contributi",
                parsed.row,
                "importo_revocato",
                parsed.cells.get("importo_revocato"),
                _("The payments already made exceed the net amount of this grant."),
            )


# --- writing -----------------------------------------------------------------------------------


def _pk_map(model: type[models.Model], key: str, codes: set[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        mapping.update(
            model._default_manager.filter(_key_in(model, key, chunk)).values_list(key, "pk")  # type: ignore[misc]
        )
    return mapping


def _write(
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
            maps[name] = _pk_map(ref.model, ref.key, codes)

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
    person_pk = _pk_map(Person, "fiscal_code", set(dates))
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
        for chunk in _chunks(sorted(moved)):
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
    pks = _pk_map(Application, "code", set(admitted))
    candidates = {pks[key]: day for key, day in admitted.items()}
    candidates |= {
        pk: values["outcome_date"]
        for pk, values in to_update
        if values["status"] == ApplicationStatus.ACCOMPANIED
    }
    have: set[int] = set()
    for chunk in _chunks(sorted(candidates)):
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
