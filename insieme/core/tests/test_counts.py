"""The lists' counts: from the cache while the data is unchanged, afresh after a write (a
service, a bulk update, raw SQL, a related table read by a join or a subquery).

Transactional tests: writes really commit here, so the version triggers run as in production
(on PostgreSQL they are deferred to the commit).
"""

import datetime

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.core import counts, versions
from insieme.core.models import Comune
from insieme.employment.models import Registration
from insieme.people.models import Person
from insieme.people.tests.factories import PersonFactory

committed = pytest.mark.django_db(transaction=True)
VERSIONED_APPS = {
    "auth",
    "accounts",
    "core",
    "people",
    "network",
    "calls",
    "evaluations",
    "projects",
    "grants",
    "employment",
    "placements",
    "impact",
    "api",
}
BOLOGNA = "037006"


def count(queryset) -> tuple[int, bool]:
    """The count, and whether the database counted (rather than the cache answering)."""
    with CaptureQueriesContext(connection) as captured:
        value = counts.count(queryset)
    return value, any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


@committed
def test_a_count_comes_from_the_cache_until_a_write_commits():
    PersonFactory.create_batch(3)
    assert count(Person.objects.all()) == (3, True)
    with CaptureQueriesContext(connection) as captured:
        assert counts.count(Person.objects.order_by("-last_name")) == 3  # any order: same entry
    assert len(captured) == 2  # the versions and the cache entry
    PersonFactory()
    assert count(Person.objects.all()) == (4, True)
    assert count(Person.objects.all()) == (4, False)


@committed
def test_a_bulk_update_and_raw_sql_change_the_count():
    PersonFactory.create_batch(3, employment_condition="disoccupato")
    unemployed = Person.objects.filter(employment_condition="disoccupato")
    assert count(unemployed) == (3, True)
    assert count(unemployed) == (3, False)
    Person.objects.filter(pk=Person.objects.first().pk).update(employment_condition="occupato")
    assert count(unemployed) == (2, True)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_person WHERE employment_condition = 'disoccupato'")
    assert count(unemployed) == (0, True)


@committed
def test_a_write_to_a_joined_or_subqueried_table_changes_the_count():
    people = PersonFactory.create_batch(2)
    in_bologna = Person.objects.filter(residence_comune__name="Bologna")
    signed_up = Person.objects.filter(Exists(Registration.objects.filter(person=OuterRef("pk"))))
    Registration.objects.create(person=people[1], registered_on=datetime.date(2026, 1, 2))
    assert count(in_bologna) == (2, True)
    assert count(signed_up) == (1, True)
    assert count(in_bologna) == (2, False)
    assert count(signed_up) == (1, False)
    Comune.objects.filter(pk=BOLOGNA).update(name="Bologna (BO)")
    Registration.objects.create(person=people[0], registered_on=datetime.date(2026, 1, 5))
    assert count(in_bologna) == (0, True)
    assert count(signed_up) == (2, True)


@committed
def test_a_rolled_back_write_leaves_the_count_as_it_was():
    PersonFactory()
    assert count(Person.objects.all()) == (1, True)
    inside = []

    def write_then_fail():
        with transaction.atomic():
            PersonFactory()
            inside.append(counts.count(Person.objects.all()))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert inside == [2]  # the transaction sees its own write
    assert counts.count(Person.objects.all()) == 1


@pytest.mark.django_db
def test_inside_a_transaction_that_has_written_the_count_is_right():
    # Here the whole test is one transaction that never commits: on PostgreSQL the deferred
    # triggers never run, so the cache must not be used after a write.
    PersonFactory()
    assert counts.count(Person.objects.all()) == 1
    PersonFactory()
    assert counts.count(Person.objects.all()) == 2


@committed
def test_raw_sql_in_the_query_is_cached_and_invalidated_too():
    PersonFactory()
    extra = Person.objects.extra(where=["1 = 1"])  # SQL the ORM cannot see into
    assert count(extra) == (1, True)
    assert count(extra) == (1, False)
    PersonFactory()
    assert count(extra) == (2, True)


@committed
def test_a_write_to_any_table_changes_the_version():
    before = versions.data_version()
    PersonFactory()
    after_person = versions.data_version()
    assert after_person != before
    Comune.objects.filter(pk=BOLOGNA).update(name="Bologna (BO)")
    assert versions.data_version() != after_person
    # The version of named tables changes only with those.
    people = versions.data_version(["people_person"])
    Comune.objects.filter(pk=BOLOGNA).update(name="Bologna")
    assert versions.data_version(["people_person"]) == people


def _tables_with_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger"
                " WHERE tgname = 'insieme_table_version'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
            " AND name LIKE 'insieme_table_version_%'"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_every_table_of_the_programme_has_the_version_triggers():
    """A new table needs its triggers in a migration (as core 0003), or the caches keyed on
    `data_version()` would keep serving what was there before a write to it."""
    ours = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in VERSIONED_APPS and model._meta.managed
    }
    missing = ours - versions.UNVERSIONED - _tables_with_triggers()
    assert missing == set(), f"tables without version triggers: {sorted(missing)}"


@committed
def test_the_people_list_shows_a_new_person_at_once(client_as, operator):
    PersonFactory.create_batch(2)
    client = client_as(operator)
    assert "Persone trovate: 2" in client.get(reverse("people:list")).text
    with CaptureQueriesContext(connection) as captured:
        assert "Persone trovate: 2" in client.get(reverse("people:list")).text
    people_counts = [
        q
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and "people_" in q["sql"]
    ]
    assert not people_counts  # the header's unread notices are counted, the people are not
    PersonFactory()
    assert "Persone trovate: 3" in client.get(reverse("people:list")).text
