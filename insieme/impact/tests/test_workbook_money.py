"""The workbook's money rules (docs/regole.md, grants): payments and awards are not dated in the
future, as on the pages; all or nothing, with the sheet, row and column."""

import datetime

import pytest
from django.utils import timezone

from insieme.grants.models import Disbursement, Grant
from insieme.impact.tests.test_workbook import workbook
from insieme.workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")


def test_a_payment_dated_in_the_future_is_refused(tmp_path):
    sheet = f"codice;contributo;data;importo\nE-1;G-1;01/09/2023;2.500\nE-2;G-1;{_tomorrow()};100\n"
    report = import_workbook(workbook(tmp_path, erogazioni=sheet), dry_run=False)
    assert not report.ok
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [("erogazioni", 3, "data")]
    assert "è nel futuro" in report.errors[0].message
    assert not Disbursement.objects.exists()


def test_an_award_dated_in_the_future_is_refused(tmp_path):
    sheet = (
        "codice;candidatura;finanziatore;importo_concesso;data_concessione;importo_revocato\n"
        f"G-1;C-1;52601810378;5.000,00;{_tomorrow()};\n"
        "G-2;C-2;52601810378;€ 4.000;01/07/2023;€ 1.000\n"
    )
    report = import_workbook(workbook(tmp_path, contributi=sheet), dry_run=False)
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [
        ("contributi", 2, "data_concessione")
    ]
    assert not Grant.objects.exists()
