"""Checking a programme workbook: every cell parsed (`values`), every row checked against its
sheet's `Spec`, every reference resolved in the workbook or the database, every problem collected
with its sheet, row and column."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.core import money
from insieme.core.hours import validate_weekly_hours
from insieme.core.models import ContractType, Sector
from insieme.employment.models import InterviewKind, validate_held_interview_date
from insieme.grants.models import Disbursement, Grant
from insieme.network.models import LegalForm, NetworkRole, Organisation
from insieme.people import checks as person_checks
from insieme.people.models import EmploymentCondition, Person, Sex

from . import values as v
from .lookups import chunks, existing_keys
from .reader import SHEETS, Sheet
from .specs import SPECS, Problem, Spec

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
        birth_date = row.get("data_nascita", v.parse_date)
        sex = (row.get("genere", _SEX) or "").upper()
        # the rule of every way in (people.checks): what the code says about birth date and sex
        for field, error in person_checks.disagreements(
            code, birth_date=birth_date, sex=sex
        ).items():
            column = {"birth_date": "data_nascita", "sex": "genere"}[field]
            row.error(column, row.cells.get(column), error.message, **(error.params or {}))
        return {
            "fiscal_code_is_temporary": code.isdigit(),
            "last_name": row.get("cognome", v.text, required=True, field="last_name"),
            "first_name": row.get("nome", v.text, required=True, field="first_name"),
            "birth_date": birth_date,
            "sex": sex,
            "residence_comune": row.get("comune_residenza", self.comuni.parse),
            "email": email,
            "phone": row.get("telefono", v.parse_phone, field="phone"),
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
        if values["awarded_on"] and values["awarded_on"] > timezone.localdate():
            row.error(
                "data_concessione",
                row.cells.get("data_concessione"),
                _("The award date is in the future: import the grant once it has been awarded."),
            )
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
        paid_on = row.get("data", v.parse_date, required=True)
        if paid_on and paid_on > timezone.localdate():
            row.error(
                "data",
                row.cells.get("data"),
                _("The payment date is in the future: import the payment once it has been made."),
            )
        return {
            "grant": row.ref("contributo", "contributi"),
            "paid_on": paid_on,
            "amount": amount,
        }

    def _row_colloqui(self, row: "RowParser") -> dict[str, Any]:
        return {
            "person": row.ref("codice_fiscale", "persone", fiscal=True),
            # the workbook's interviews were held (imported as such): not after today
            "date": row.get("data", _held_interview_date, required=True),
            "kind": row.get("tipo", _INTERVIEW_KIND) or InterviewKind.OTHER,
        }

    def _row_inserimenti(self, row: "RowParser") -> dict[str, Any]:
        values = {
            "person": row.ref("codice_fiscale", "persone", fiscal=True),
            "employer": row.ref("datore", "organizzazioni", fiscal=True),
            "contract_type": row.get("tipo_contratto", self.contract_choice, required=True),
            "start_date": row.get("data_inizio", v.parse_date, required=True),
            "end_date": row.get("data_fine", v.parse_date),
            "weekly_hours": row.get("ore_settimanali", _weekly_hours),
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


def _domain_rule(parse: Callable[[Any], Any], validate: Callable[[Any], None]) -> Callable:
    """A cell parsed, then checked by the owning domain's validator (its message, in Italian)."""

    def parse_and_check(cell: Any) -> Any:
        value = parse(cell)
        try:
            validate(value)
        except ValidationError as error:
            raise v.ValueProblem(error.messages[0]) from None
        return value

    return parse_and_check


_weekly_hours = _domain_rule(v.parse_number, validate_weekly_hours)
_held_interview_date = _domain_rule(v.parse_date, validate_held_interview_date)


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


TARGETS: dict[str, tuple[type[models.Model], str]] = {
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


def resolve_references(checker: Checker) -> None:
    wanted: dict[str, set[str]] = {name: set() for name in TARGETS}
    for target, code, *_rest in checker.references:
        wanted[target].add(code)
    applicants = {p.values["applicant"] for p in checker.parsed["candidature"].values()}
    wanted["persone"] |= applicants
    wanted["organizzazioni"] |= applicants
    known: dict[str, set[str]] = {}
    for target, (model, key) in TARGETS.items():
        in_workbook = checker.keys[target]
        known[target] = in_workbook | existing_keys(model, key, wanted[target] - in_workbook)
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


def check_disbursements(checker: Checker) -> None:
    """The payments of a grant may not exceed its net amount (awarded minus revoked)."""
    payments = checker.parsed["erogazioni"]
    grants = checker.parsed["contributi"]
    codes = sorted({p.values["grant"] for p in payments.values()} | set(grants))
    net: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    for chunk in chunks(codes):
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
                _("The payments of grant %(grant)s add up to more than its net amount (%(net)s)."),
                grant=grant,
                net=money.eur(net[grant]),
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
