"""Exporting the programme workbook, in the format the importer reads (DOMAIN.md).

An .xlsx keeps real dates and numbers (amounts with a two-decimal number format); CSV files (a
folder or a .zip) use `;`, a BOM, dates as dd/mm/yyyy and numbers with a decimal point and no
grouping (5000.00), machine-readable like every export (docs/regole.md); the importer reads them back.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import F, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from insieme.calls.models import Application, ApplicationStatus, Call
from insieme.core.money import XLSX_MONEY, XLSX_NUMBER
from insieme.employment.models import Interview
from insieme.grants.models import Disbursement, Grant
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements.models import Placement
from insieme.workbook.validating import WORKBOOK_OUTCOMES

COLUMNS = {
    "persone": [
        "codice_fiscale",
        "cognome",
        "nome",
        "data_nascita",
        "genere",
        "comune_residenza",
        "email",
        "telefono",
        "condizione",
        "titolo_studio",
        "data_iscrizione",
    ],
    "organizzazioni": [
        "codice_fiscale",
        "denominazione",
        "forma",
        "ets",
        "comune",
        "ruoli",
        "data_adesione",
    ],
    "bandi": ["codice", "titolo", "linea", "edizione", "apertura", "chiusura", "budget"],
    "candidature": [
        "codice",
        "bando",
        "titolo",
        "richiedente",
        "settore",
        "comune",
        "data_presentazione",
        "esito",
        "data_esito",
        "punteggio",
    ],
    "contributi": [
        "codice",
        "candidatura",
        "finanziatore",
        "importo_concesso",
        "data_concessione",
        "importo_revocato",
    ],
    "erogazioni": ["codice", "contributo", "data", "importo"],
    "colloqui": ["codice", "codice_fiscale", "data", "tipo"],
    "inserimenti": [
        "codice",
        "codice_fiscale",
        "datore",
        "tipo_contratto",
        "data_inizio",
        "data_fine",
        "ore_settimanali",
        "proroga",
        "candidatura",
    ],
}


class YesNo:
    """A yes/no value, written "sì"/"no"."""

    def __init__(self, value: bool) -> None:
        self.value = value


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _rows() -> dict[str, Callable[[], Iterator[list[Any]]]]:
    def persone() -> Iterator[list[Any]]:
        qs = (
            Person.objects.annotate(signed_up=Min("registrations__registered_on"))
            .order_by("fiscal_code")
            .values_list(
                "fiscal_code",
                "last_name",
                "first_name",
                "birth_date",
                "sex",
                "residence_comune_id",
                "email",
                "phone",
                "employment_condition",
                "education_level",
                "signed_up",
            )
        )
        for row in qs.iterator(chunk_size=2000):
            yield list(row)

    def organizzazioni() -> Iterator[list[Any]]:
        qs = Organisation.objects.order_by("fiscal_code").values_list(
            "fiscal_code",
            "name",
            "legal_form",
            "third_sector",
            "comune_id",
            *Organisation.ROLE_FIELDS.values(),
            "joined_on",
        )
        roles = list(Organisation.ROLE_FIELDS)
        for code, name, form, ets, comune, *flags, joined in qs.iterator(chunk_size=2000):
            held = ",".join(str(role) for role, flag in zip(roles, flags, strict=True) if flag)
            yield [code, name, form, YesNo(ets), comune, held, joined]

    def bandi() -> Iterator[list[Any]]:
        qs = Call.objects.order_by("code").values_list(
            "code", "title", "line", "edition", "opens_at", "closes_at", "budget"
        )
        for code, title, line, edition, opens, closes, budget in qs.iterator(chunk_size=2000):
            yield [code, title, line, edition, _local_date(opens), _local_date(closes), budget]

    def candidature() -> Iterator[list[Any]]:
        # drafts were never submitted: they are not part of the programme's history
        qs = (
            Application.objects.submitted()
            .order_by("code")
            .values_list(
                "code",
                "call__code",
                "title",
                Coalesce("applicant_person__fiscal_code", "applicant_organisation__fiscal_code"),
                "sector__code",
                "comune_id",
                "submitted_at",
                "status",
                "outcome_date",
                "score",
            )
        )
        for row in qs.iterator(chunk_size=2000):
            values = list(row)
            values[6] = _local_date(values[6])
            # the workbook knows only the outcomes; a step in between (e.g. in_valutazione)
            # is still a submitted application
            if values[7] not in WORKBOOK_OUTCOMES:
                values[7] = ApplicationStatus.SUBMITTED
            yield values

    def contributi() -> Iterator[list[Any]]:
        qs = Grant.objects.order_by("code").values_list(
            "code",
            "application__code",
            "funder__fiscal_code",
            "amount_awarded",
            "awarded_on",
            "amount_revoked",
        )
        for row in qs.iterator(chunk_size=2000):
            yield list(row)

    def erogazioni() -> Iterator[list[Any]]:
        qs = Disbursement.objects.order_by("code").values_list(
            "code", "grant__code", "paid_on", "amount"
        )
        for row in qs.iterator(chunk_size=2000):
            yield list(row)

    def colloqui() -> Iterator[list[Any]]:
        qs = Interview.objects.order_by("code").values_list(
            "code", "person__fiscal_code", "date", "kind"
        )
        for row in qs.iterator(chunk_size=2000):
            yield list(row)

    def inserimenti() -> Iterator[list[Any]]:
        qs = Placement.objects.order_by("code").values_list(
            "code",
            "person__fiscal_code",
            "employer__fiscal_code",
            F("contract_type__code"),
            "start_date",
            "end_date",
            "weekly_hours",
            "is_extension",
            "application__code",
        )
        for row in qs.iterator(chunk_size=2000):
            values = list(row)
            values[7] = YesNo(values[7])
            yield values

    return {
        "persone": persone,
        "organizzazioni": organizzazioni,
        "bandi": bandi,
        "candidature": candidature,
        "contributi": contributi,
        "erogazioni": erogazioni,
        "colloqui": colloqui,
        "inserimenti": inserimenti,
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, YesNo):
        return "sì" if value.value else "no"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, YesNo):
        return "sì" if value.value else "no"
    if value == "":
        return None
    return value


def _csv_bytes(sheet: str, rows: Iterator[list[Any]]) -> tuple[bytes, int]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS[sheet])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
        count += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def export_workbook(path: str | Path) -> dict[str, int]:
    """Write every sheet to `path` (.xlsx, .zip, or a folder); return the rows per sheet."""
    target = Path(path)
    counts: dict[str, int] = {}
    sources = _rows()
    if target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        for sheet, rows in sources.items():
            ws = book.create_sheet(sheet)
            ws.append(COLUMNS[sheet])
            counts[sheet] = 0
            for row in rows():
                cells = []
                for value in row:
                    cell = WriteOnlyCell(ws, value=_xlsx_cell(value))
                    if isinstance(value, datetime.date):
                        cell.number_format = "DD/MM/YYYY"
                    elif isinstance(value, Decimal):
                        cell.number_format = (
                            XLSX_MONEY if value.as_tuple().exponent == -2 else XLSX_NUMBER
                        )
                    cells.append(cell)
                ws.append(cells)
                counts[sheet] += 1
        book.save(target)
    elif target.suffix.lower() == ".zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for sheet, rows in sources.items():
                data, counts[sheet] = _csv_bytes(sheet, rows())
                archive.writestr(f"{sheet}.csv", data)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for sheet, rows in sources.items():
            data, counts[sheet] = _csv_bytes(sheet, rows())
            (target / f"{sheet}.csv").write_bytes(data)
    return counts
