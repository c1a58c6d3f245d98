"""Placements recorded by operators come out in the impact report by the DOMAIN.md rules."""

import datetime
import io
import json

from django.core.management import call_command

from insieme.employment.tests import factories


def report(*args: str) -> dict:
    out = io.StringIO()
    call_command("impact_report", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())["employment"]


def test_extensions_count_apart_traineeships_apart_people_once(operator, db):
    anna = factories.person("Conti", "Anna")
    bruno = factories.person("Neri", "Bruno", home="Imola")
    first = factories.placement(anna, by=operator, start_date=datetime.date(2026, 1, 12))
    factories.placement(
        anna,
        by=operator,
        employer=first.employer,
        extends=first,
        start_date=datetime.date(2026, 7, 12),
    )
    factories.placement(
        anna, by=operator, contract="tirocinio", start_date=datetime.date(2026, 9, 1)
    )
    factories.placement(
        bruno, by=operator, contract="indeterminato", start_date=datetime.date(2026, 3, 2)
    )
    factories.placement(
        factories.person("Solo", "Sara"),
        by=operator,
        contract="tirocinio",
        start_date=datetime.date(2026, 4, 1),
    )
    figures = report()
    assert figures["placements"] == 3  # the extension is a placement; traineeships are not
    assert figures["extensions"] == 1
    assert figures["new_contracts"] == 2
    assert figures["traineeships"] == 2
    assert figures["people_employed"] == 2  # Anna once; Sara had only a traineeship
    assert figures["contracts"]["determinato"] == 2
    assert figures["contracts"]["indeterminato"] == 1
    assert "tirocinio" not in figures["contracts"] or figures["contracts"]["tirocinio"] == 0
    # By its own date: only Bruno's contract starts in March.
    march = report("--from", "2026-03-01", "--to", "2026-03-31")
    assert (march["placements"], march["people_employed"], march["first_time_placed"]) == (1, 1, 1)
