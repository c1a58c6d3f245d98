"""The operator's worklist on the home page: each count is the rows of the list it links to,
scoped to the operator, and the home reads a constant number of queries."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.employment import services
from insieme.employment.models import Interview, InterviewStatus, RegistrationStatus
from insieme.employment.tests import factories

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)):
        yield


def entry(html: str, key: str) -> str:
    """The card of one worklist entry."""
    match = re.search(rf'data-entry="{re.escape(key)}".*?</div>\s*</div>', html, re.S)
    assert match, f"no entry {key}"
    return match.group(0)


def count_of(html: str, key: str) -> int:
    card = entry(html, key)
    return int(re.search(r'<span class="fs-3[^"]*">(\d+)</span>', card).group(1))


def link_of(html: str, key: str) -> str:
    return re.search(r'href="([^"]+)" class="worklist-count', entry(html, key)).group(1)


def rows_in(client, url: str) -> int:
    """How many people a filtered list shows (its rows link to the person or the contact)."""
    html = client.get(url.replace("&amp;", "&")).content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>") + body.count("<tr ") - body.count('colspan="')


def world(operator, other, size: int, tag: str = "a"):
    """`size` rows of each kind for the operator, and some for another operator."""
    waiting = [
        factories.registration(factories.person("Attesa", f"N{i}"), on=TODAY) for i in range(size)
    ]
    late = [
        factories.registration(
            factories.person("Ritardo", f"N{i}"), on=TODAY - datetime.timedelta(days=40 + i)
        )
        for i in range(size)
    ]
    contacted = factories.registration(
        factories.person("Contattata", "Cleo"),
        on=TODAY - datetime.timedelta(days=50),
        status=RegistrationStatus.CONTACTED,
        first_contact_on=TODAY - datetime.timedelta(days=5),
    )
    mine_today = []
    for i in range(size):
        person = factories.person("Colloquio", f"N{i}")
        mine_today.append(
            Interview.objects.create(
                code=f"COL-{tag}-{i}",
                person=person,
                date=TODAY,
                time=datetime.time(9 + i % 8, 0),
                operator=operator,
                status=InterviewStatus.BOOKED,
            )
        )
    Interview.objects.create(
        code=f"COL-{tag}-OTHER",
        person=factories.person("Altrui", "Olga"),
        date=TODAY,
        operator=other,
        status=InterviewStatus.BOOKED,
    )
    Interview.objects.create(
        code=f"COL-{tag}-TOMORROW",
        person=factories.person("Domani", "Dora"),
        date=TODAY + datetime.timedelta(days=1),
        operator=operator,
        status=InterviewStatus.BOOKED,
    )
    vacancy = factories.vacancy(title=f"Aiuto cuoco {tag}")
    awaiting = []
    for i in range(size):
        person = factories.person("Segnalata", f"N{i}")
        registration = factories.registration(
            person, status=RegistrationStatus.ACTIVE, assigned_to=operator
        )
        services.refer(vacancy=vacancy, person=person, by=operator)
        awaiting.append(registration)
    someone_else = factories.person("Segnalata", "Altrui")
    factories.registration(someone_else, status=RegistrationStatus.ACTIVE, assigned_to=other)
    services.refer(vacancy=vacancy, person=someone_else, by=other)
    return {"waiting": waiting, "late": late, "contacted": contacted, "today": mine_today}


@pytest.fixture
def other_operator(db):
    from conftest import make_user
    from insieme.accounts.models import Role

    return make_user("altro.operatore@insieme.example", Role.OPERATOR)


def test_each_count_is_the_filtered_list_it_links_to(
    fixed_clock, client_as, operator, other_operator
):
    world(operator, other_operator, 3)
    client = client_as(operator)
    html = client.get(reverse("home")).content.decode()
    # Waiting without a first contact: the three of today and the three late ones.
    assert count_of(html, "employment.to_contact") == 6
    assert count_of(html, "employment.overdue") == 3
    assert count_of(html, "employment.interviews_today") == 3
    assert count_of(html, "employment.awaiting_outcome") == 3
    for key in (
        "employment.to_contact",
        "employment.overdue",
        "employment.interviews_today",
        "employment.awaiting_outcome",
    ):
        assert rows_in(client, link_of(html, key)) == count_of(html, key), key
    # The short lists name who waits, and the wait over the target is marked late.
    assert "Ritardo N2" in entry(html, "employment.overdue")
    assert "border-danger" in entry(html, "employment.overdue")
    assert "Contattata Cleo" not in entry(html, "employment.to_contact")
    # Another operator's interview and referral are not in this operator's worklist.
    assert "Altrui Olga" not in html
    assert "Segnalata Altrui" not in entry(html, "employment.awaiting_outcome")
    assert "Domani Dora" not in entry(html, "employment.interviews_today")


def test_the_target_comes_from_the_settings(fixed_clock, client_as, operator, settings):
    factories.registration(factories.person("Venti", "Giorni"), on=TODAY - datetime.timedelta(20))
    client = client_as(operator)
    assert count_of(client.get("/").content.decode(), "employment.overdue") == 0
    settings.FIRST_CONTACT_TARGET_DAYS = 10
    assert count_of(client.get("/").content.decode(), "employment.overdue") == 1


def test_the_short_list_shows_five_and_says_how_many_more(
    fixed_clock, client_as, operator, other_operator
):
    world(operator, other_operator, 7)
    card = entry(client_as(operator).get("/").content.decode(), "employment.overdue")
    assert card.count("<li") == 5
    assert "e altri 2" in card


def test_the_home_reads_the_same_number_of_queries_whatever_the_rows(
    fixed_clock, client_as, operator, other_operator
):
    client = client_as(operator)
    world(operator, other_operator, 1)
    client.get("/")  # warm the session and the caches of the first request
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    world(operator, other_operator, 6, tag="b")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small)
    assert len(small) < 40


def test_the_filtered_lists_say_they_are_filtered(fixed_clock, client_as, operator):
    client = client_as(operator)
    html = client.get(reverse("employment:queue") + "?filtro=in_ritardo").content.decode()
    assert "Mostrate solo le attese oltre" in html
    assert reverse("employment:queue") + '"' in html
