"""The cached figures: served from the cache while nothing changed, recomputed after any write.

Transactional tests: writes really commit here, so the version triggers run as in production
(on PostgreSQL they are deferred to the commit).
"""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.calls.models import Application, ApplicationStatus
from insieme.core import versions
from insieme.core.models import Comune, TableVersion
from insieme.employment import services as employment
from insieme.impact import cache
from insieme.impact.dashboard import Audience, Dashboard
from insieme.impact.figures import Filters, compute
from insieme.impact.tests.test_figures import BOLOGNA, Programme
from insieme.impact.tests.test_workbook import CSV_DIR
from insieme.workbook.importer import import_workbook

D = datetime.date
committed = pytest.mark.django_db(transaction=True)


def report() -> dict:
    return cache.report(Filters())


def queries(read) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        value = read()
    return value, len(captured)


@committed
def test_without_writes_the_figures_come_from_the_cache():
    programme = Programme()
    programme.grant(programme.application(), "1000.00")
    first, computing = queries(report)
    second, reading = queries(report)
    assert second == first == compute(Filters())
    assert reading == 2  # the version and the cache entry
    assert computing > 10
    board, reading = queries(lambda: Dashboard(Filters(), Audience.FULL))
    assert board.report == first
    board_again, reading_again = queries(lambda: Dashboard(Filters(), Audience.FULL))
    assert reading_again == 2 < reading
    assert board_again.rows() == board.rows()


@committed
def test_a_write_through_a_service_shows_in_the_next_read(operator):
    assert report()["employment"]["registrations"] == 0
    version = cache.data_version()
    employment.sign_up(
        fiscal_code="RSSMRA80A01A944I",
        first_name="Mario",
        last_name="Rossi",
        email="mario@example.org",
        phone="",
        comune=Comune.objects.get(pk=BOLOGNA),
        cv_consent=False,
        by=operator,
    )
    assert cache.data_version() != version
    assert report()["employment"]["registrations"] == 1
    assert Dashboard(Filters()).report["employment"]["registrations"] == 1


@committed
def test_a_bulk_update_shows_in_the_next_read():
    programme = Programme()
    for _ in range(3):
        programme.application(status=ApplicationStatus.SUBMITTED, outcome=None)
    board = Dashboard(Filters())
    assert board.report["projects"]["accompanied"] == 0
    Application.objects.update(status=ApplicationStatus.ACCOMPANIED, outcome_date=D(2024, 1, 9))
    board = Dashboard(Filters())
    assert board.report["projects"]["accompanied"] == 3
    assert board.data["trends"]["projects.accompanied"] == {2024: 3}


@committed
def test_raw_sql_shows_in_the_next_read():
    programme = Programme()
    programme.pay(programme.grant(programme.application(), "1000.00"), "400.00", D(2024, 2, 1))
    assert report()["projects"]["grants_disbursed_eur"] == "400.00"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE grants_disbursement SET amount = 250")
    assert report()["projects"]["grants_disbursed_eur"] == "250.00"
    with connection.cursor() as cursor:
        # On PostgreSQL TRUNCATE (a statement trigger); SQLite has no TRUNCATE: a DELETE without
        # WHERE, which SQLite does row by row when the table has triggers.
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE grants_disbursement CASCADE")
        else:
            cursor.execute("DELETE FROM grants_disbursement")
    assert report()["projects"]["grants_disbursed_eur"] == "0.00"


@committed
def test_the_workbook_import_shows_in_the_next_read():
    before = report()
    assert before["projects"]["applications"] == 0
    assert import_workbook(CSV_DIR, dry_run=False).ok
    after = report()
    assert after == compute(Filters())
    assert after["projects"]["applications"] > 0


@committed
def test_a_rolled_back_write_leaves_the_cache_valid():
    programme = Programme()
    programme.application()
    first = report()
    version = cache.data_version()
    with transaction.atomic():
        programme.application()
        transaction.set_rollback(True)
    assert cache.data_version() == version
    assert queries(report) == (first, 2)


@committed
def test_a_transaction_sees_its_own_writes():
    programme = Programme()
    assert report()["projects"]["applications"] == 0
    with transaction.atomic():
        programme.application()
        assert report()["projects"]["applications"] == 1
    assert report()["projects"]["applications"] == 1


@committed
def test_each_filter_combination_has_its_own_entry():
    programme = Programme()
    programme.application(submitted=D(2023, 4, 1))
    programme.application(submitted=D(2024, 4, 1))
    whole = cache.report(Filters())
    year = cache.report(Filters(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)))
    assert (whole["projects"]["applications"], year["projects"]["applications"]) == (2, 1)
    funder = cache.report(Filters(funder=programme.funder.pk))
    assert funder["projects"]["applications"] == 0


@pytest.mark.django_db
def test_inside_the_test_transaction_writes_are_seen_too():
    # Here everything runs in one transaction that never commits: on PostgreSQL the deferred
    # triggers never run, so the cache must not be used after a write.
    programme = Programme()
    assert report()["projects"]["applications"] == 0
    programme.application()
    assert report()["projects"]["applications"] == 1
    programme.application()
    assert Dashboard(Filters()).report["projects"]["applications"] == 2


def _last_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM insieme_table_version_seq")
        return cursor.fetchone()[0]


@committed
def test_the_version_changes_at_each_commit_once_per_transaction_on_postgresql():
    with transaction.atomic():
        Programme().application()
    version = cache.data_version()
    before = _last_version() if connection.vendor == "postgresql" else None
    with transaction.atomic():
        comune = Comune.objects.get(pk=BOLOGNA)
        for _ in range(3):
            comune.save()
    assert cache.data_version() != version
    if connection.vendor == "postgresql":
        # Three saves in one transaction: one bump, the table's new version.
        assert _last_version() == before + 1
        assert TableVersion.objects.get(table_name="core_comune").version == before + 1


@committed
def test_a_write_the_figures_do_not_read_leaves_them_in_the_cache():
    programme = Programme()
    programme.application()
    first = report()
    version = cache.data_version()
    everything = versions.data_version()
    Group.objects.create(name="Altro")  # a table the figures do not read
    assert versions.data_version() != everything
    assert cache.data_version() == version
    assert queries(report) == (first, 2)


def _first_figure(response) -> str:
    """The value of the dashboard's first card, as shown."""
    match = re.search(r'data-figure="[^"]+">([^<]+)<', response.content.decode())
    assert match
    return match.group(1)


@committed
def test_the_dashboard_keeps_its_rendered_figures_until_a_write(client_as, operator):
    programme = Programme()
    programme.application()
    client = client_as(operator)
    first = client.get(reverse("impact:dashboard"))
    with CaptureQueriesContext(connection) as captured:
        second = client.get(reverse("impact:dashboard"))
    assert _first_figure(first) == _first_figure(second) == "1"
    figures = first.content.decode().partition('<div id="figures">')[2]
    assert figures
    assert second.content.decode().partition('<div id="figures">')[2] == figures
    # The rendered figures came from the cache: no figure was computed, no data entry was read.
    cached_reads = [q["sql"] for q in captured.captured_queries if "insieme_cache" in q["sql"]]
    assert len(cached_reads) == 1
    assert "figures-html" in cached_reads[0]
    assert not any(
        "calls_application" in q["sql"] and "core_tableversion" not in q["sql"]
        for q in captured.captured_queries
    )
    programme.application()
    assert _first_figure(client.get(reverse("impact:dashboard"))) == "2"


@committed
def test_the_rendered_figures_are_kept_per_language_and_audience(client_as, operator):
    programme = Programme()
    programme.application()
    client = client_as(operator)
    italian = client.get(reverse("impact:dashboard")).content.decode()
    assert ">Grafici<" in italian
    assert _first_figure(client.get(reverse("impact:public"))) == "&lt;5"  # suppressed
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("impact:dashboard")).content.decode()
    assert ">Charts<" in english
    assert ">Grafici<" not in english
    assert _first_figure(client.get(reverse("impact:dashboard"))) == "1"
