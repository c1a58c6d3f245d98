"""What the programme workbook holds (DOMAIN.md, "The programme workbook"): one `Spec` per
sheet, with its natural key, its columns as model fields and its references; and the report an
import gives back."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from insieme.calls.models import Application, Call
from insieme.core.models import ContractType, Sector
from insieme.employment.models import Interview
from insieme.grants.models import Disbursement, Grant
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements.models import Placement

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
