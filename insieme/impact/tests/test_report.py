"""The example workbook gives exactly the expected figures, through the impact_report command."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from insieme.impact.workbook.importer import import_workbook

# the shared examples live beside the repository: <repo>/../shared/examples
EXAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "examples"
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
