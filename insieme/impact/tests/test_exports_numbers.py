"""Exports keep machine-readable numbers (docs/regole.md, "Come si scrivono i numeri"): CSV files
write a decimal point and no grouping ("2500.00", "313.0"), spreadsheets real numbers with a
number format; only pages, PDFs and messages write "€ 2.500,00"."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from insieme.core.money import XLSX_MONEY
from insieme.impact.demo import load_demo_programme
from insieme.impact.tests.examples import EXAMPLES
from insieme.workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    assert import_workbook(EXAMPLES / "esempio.xlsx", dry_run=False).ok


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("impact_report", *args, stdout=out)
    return out.getvalue()


def test_the_impact_reports_csv_writes_a_decimal_point(example):
    text = run("--format", "csv", "--from", "2024-01-01", "--to", "2024-06-30")
    rows = {r[0]: r[1] for r in csv.reader(io.StringIO(text), delimiter=";") if len(r) > 1}
    assert rows["Fondo perduto erogato (EUR)"] == "2500.00"
    assert rows["Giorni medi dal primo colloquio all'inserimento"] == "313.0"
    assert "Welfare di comunità;1;1;5000.00" in run("--format", "csv")


def test_the_impact_reports_spreadsheet_has_numbers_with_a_number_format(example, tmp_path):
    run("--format", "xlsx", "--output", str(tmp_path / "r.xlsx"))
    sheet = load_workbook(tmp_path / "r.xlsx").active
    cells = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value and len(row) > 1}
    awarded = cells["Contributi concessi (EUR)"]
    assert awarded.value == Decimal("9000.00")
    assert awarded.number_format == XLSX_MONEY
    assert cells["Candidature"].value == 6


def test_the_dashboard_csv_and_spreadsheet_keep_machine_numbers(client_as, operator):
    load_demo_programme()
    client = client_as(operator)
    text = client.get(reverse("impact:report_table", args=["csv"])).content.decode("utf-8-sig")
    rows = {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(text), delimiter=";")}
    section = "Innovazione sociale e autoimpiego"
    assert rows[(section, "Fondo perduto erogato")] == "140000.00"
    days = rows[
        (
            "Servizi per il lavoro (intero programma)",
            "Giorni medi dal primo colloquio all'inserimento",
        )
    ]
    assert "," not in days
    assert float(days) > 0
    book = client.get(reverse("impact:report_table", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(book)).active
    paid = next(r[2] for r in sheet.iter_rows(min_row=2) if r[1].value == "Fondo perduto erogato")
    assert paid.value == pytest.approx(140000)
    assert paid.number_format == XLSX_MONEY


def test_the_workbook_export_writes_amounts_with_a_decimal_point(example, tmp_path):
    call_command("export_workbook", str(tmp_path / "wb.zip"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "wb.zip") as archive:
        text = archive.read("erogazioni.csv").decode("utf-8-sig")
    amounts = [row["importo"] for row in csv.DictReader(io.StringIO(text), delimiter=";")]
    assert amounts
    assert all("," not in a and a.endswith(tuple(f".{n:02d}" for n in range(100))) for a in amounts)
    call_command("export_workbook", str(tmp_path / "wb.xlsx"), stdout=io.StringIO())
    sheet = load_workbook(tmp_path / "wb.xlsx")["contributi"]
    header = [c.value for c in sheet[1]]
    awarded = sheet.cell(row=2, column=header.index("importo_concesso") + 1)
    assert isinstance(awarded.value, int | float | Decimal)
    assert awarded.number_format == XLSX_MONEY
