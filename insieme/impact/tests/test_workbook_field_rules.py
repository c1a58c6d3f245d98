"""The workbook import applies the domains' own rules to the values the figures depend on
(issue 15): weekly hours 1 to 60 (the placements' rule), interviews held not after today (the
interviews' rule). A bad cell is reported by sheet, row and column; nothing is written."""

import datetime
from pathlib import Path

import pytest
import time_machine

from insieme.employment.models import Interview
from insieme.impact.tests.examples import EXAMPLES
from insieme.people.models import Person
from insieme.placements.models import Placement
from insieme.workbook.importer import import_workbook

pytestmark = pytest.mark.django_db

CSV_DIR = EXAMPLES / "esempio-csv"
HOURS_MESSAGE = (
    "Le ore settimanali devono essere tra 1 e 60: scrivi le ore lavorate in una settimana, per "
    "esempio 38 o 20."
)


def workbook(tmp_path: Path, **sheets: str) -> Path:
    folder = tmp_path / "wb"
    folder.mkdir(exist_ok=True)
    for source in CSV_DIR.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    for name, content in sheets.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


INSERIMENTI = "codice;codice_fiscale;datore;tipo_contratto;data_inizio;ore_settimanali\n"


def test_weekly_hours_outside_1_to_60_are_reported_and_nothing_is_written(tmp_path):
    folder = workbook(
        tmp_path,
        inserimenti=INSERIMENTI
        + "P-1;CHNCHR68E64G273K;83016610376;determinato;01/10/2023;400\n"
        + "P-2;CHNCHR68E64G273K;83016610376;determinato;01/04/2024;61\n"
        + "P-3;MRNBRC62A49F839B;83016610376;indeterminato;08/01/2024;0\n"
        + "P-4;MRNBRC62A49F839B;83016610376;tirocinio;01/06/2023;60\n",
    )
    report = import_workbook(folder, dry_run=False)
    assert [(p.sheet, p.row, p.column, p.value, p.message) for p in report.errors] == [
        ("inserimenti", 2, "ore_settimanali", "400", HOURS_MESSAGE),
        ("inserimenti", 3, "ore_settimanali", "61", HOURS_MESSAGE),
        ("inserimenti", 4, "ore_settimanali", "0", HOURS_MESSAGE),
    ]
    assert not Placement.objects.exists()
    assert not Person.objects.exists()


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_an_interview_dated_after_today_is_reported(tmp_path):
    folder = workbook(
        tmp_path,
        colloqui="codice;codice_fiscale;data;tipo\n"
        "K-1;CHNCHR68E64G273K;1/2/2023;primo_colloquio\n"
        "K-2;MRNBRC62A49F839B;01/06/2026;primo_colloquio\n"
        "K-3;MRNBRC62A49F839B;02/06/2026;monitoraggio\n",
    )
    report = import_workbook(folder, dry_run=True)
    assert [(p.sheet, p.row, p.column, p.value) for p in report.errors] == [
        ("colloqui", 4, "data", "02/06/2026")
    ]
    assert report.errors[0].message.startswith("Un colloquio svolto non può avere una data dopo")
    assert not Interview.objects.exists()


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_a_placement_starting_after_today_is_imported_as_planned_and_not_counted(tmp_path):
    from insieme.impact.figures import compute

    folder = workbook(
        tmp_path,
        inserimenti=INSERIMENTI
        + "P-1;CHNCHR68E64G273K;83016610376;determinato;01/10/2023;30\n"
        + "P-9;MRNBRC62A49F839B;83016610376;indeterminato;01/07/2026;38\n",
    )
    report = import_workbook(folder, dry_run=False)
    assert report.errors == []
    assert Placement.objects.get(code="P-9").is_planned
    assert compute()["employment"]["placements"] == 1
