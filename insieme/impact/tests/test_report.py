"""The example workbook gives exactly the expected figures, through the impact_report command."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from insieme.impact import figures_export
from insieme.impact.figures import Filters, compute, records
from insieme.impact.tests.examples import EXAMPLES
from insieme.workbook.importer import import_workbook

EXPECTED = json.loads((EXAMPLES / "esempio-expected.json").read_text(encoding="utf-8"))
FORMS = ["esempio.xlsx", "esempio-csv"]

pytestmark = pytest.mark.django_db


def report(*args: str) -> dict:
    out = io.StringIO()
    call_command("impact_report", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def same_figures(actual: dict, expected: dict) -> None:
    """Every key in the expected order; `"territory": null` in the expected file is not checked."""
    assert list(actual) == list(expected)
    for key, value in expected.items():
        if key == "territory" and value is None:
            continue
        assert actual[key] == value, key


@pytest.mark.parametrize("form", FORMS)
def test_example_workbook_gives_the_expected_figures(form):
    result = import_workbook(EXAMPLES / form, dry_run=False)
    assert result.errors == []
    same_figures(report(), EXPECTED["all"])
    same_figures(report("--from", "2024-01-01", "--to", "2024-06-30"), EXPECTED["h1_2024"])


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("impact_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def example():
    assert import_workbook(EXAMPLES / "esempio.xlsx", dry_run=False).ok


def test_json_is_printed_with_the_keys_in_the_documented_order_and_amounts_as_strings(example):
    text = run("--format", "json")
    assert text.index('"period"') < text.index('"projects"') < text.index('"employment"')
    assert '"grants_disbursed_eur": "8000.00"' in text
    assert json.loads(text)["employment"]["avg_days_to_first_placement"] == 277.5


def test_line_filter(example):
    projects = json.loads(run("--line", "autoimpiego"))["projects"]
    assert (projects["applications"], projects["accompanied"], projects["funded"]) == (3, 1, 1)
    assert projects["grants_disbursed_eur"] == "3000.00"


def test_csv_and_markdown_give_the_same_figures_in_italian(example):
    csv_text = run("--format", "csv", "--from", "2024-01-01", "--to", "2024-06-30")
    assert csv_text.startswith("\ufeffRapporto di impatto;dal 01/01/2024 al 30/06/2024")
    assert "Fondo perduto erogato (EUR);2500.00" in csv_text
    assert "Giorni medi dal primo colloquio all'inserimento;313.0" in csv_text
    md = run("--format", "md")
    assert "| Progetti accompagnati | 3 |" in md
    assert "| Persone al primo inserimento | 2 |" in md
    assert "| 037001 | Anzola dell'Emilia | Pianura Ovest | sì | 0 | 1 | 0 |" in md
    assert "| Welfare di comunità | 1 | 1 | 5.000,00 |" in md
    assert "| Tempo determinato | 2 |" in md
    assert "## Metodologia" in md
    assert "le bozze mai presentate non si contano" in md


def test_xlsx_and_pdf_are_written_to_the_output_path(example, tmp_path):
    from openpyxl import load_workbook

    run("--format", "xlsx", "--output", str(tmp_path / "r.xlsx"))
    sheet = load_workbook(tmp_path / "r.xlsx").active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Candidature"] == 6
    assert values["Contributi concessi (EUR)"] == Decimal("9000.00")
    run("--format", "pdf", "--output", str(tmp_path / "r.pdf"))
    pdf = (tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    html = figures_export.to_html(compute(Filters()))
    assert "Metodologia" in html
    assert "Persone occupate" in html


def test_every_figure_leads_to_exactly_the_records_it_counts(example):
    for filters in (Filters(), Filters(date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))):
        report = compute(filters)
        for section in ("projects", "employment"):
            for key, value in report[section].items():
                if isinstance(value, int):
                    assert records(filters, f"{section}.{key}").count() == value, key
        for code, n in report["employment"]["contracts"].items():
            assert records(filters, f"employment.contracts.{code}").count() == n
        for row in report["projects"]["sectors"]:
            for key in ("accompanied", "funded"):
                found = records(filters, f"projects.sectors.{row['sector']}.{key}").count()
                assert found == row[key]
        for row in report["territory"]:
            for key in ("people", "accompanied", "placements"):
                found = records(filters, f"territory.{row['codice_istat']}.{key}").count()
                assert found == row[key]
