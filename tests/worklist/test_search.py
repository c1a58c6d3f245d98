"""The header's search: people by name, codice fiscale or phone, organisations, applications
and calls; scoped by what the user may see; codes never in an address."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.employment.tests import factories
from insieme.network.models import OrganisationMember


@pytest.fixture
def people(db):
    rossi = factories.person("Rossi", "Maria", phone="+393331234567")
    bianchi = factories.person("Bianchi", "Luca")
    return {"rossi": rossi, "bianchi": bianchi}


def search(client, text: str):
    """POST the header's form, follow the redirect; the addresses seen on the way."""
    response = client.post(reverse("search"), {"q": text})
    assert response.status_code == 303
    location = response["Location"]
    return location, client.get(location)


def test_people_by_name_code_and_phone(client_as, operator, people):
    client = client_as(operator)
    rossi = people["rossi"]
    for text in ("rossi", "Maria Rossi", rossi.fiscal_code, rossi.fiscal_code[:9], "333 1234567"):
        location, page = search(client, text)
        html = page.content.decode()
        assert page.status_code == 200
        assert reverse("people:detail", args=[rossi.pk]) in html, text
        assert reverse("people:detail", args=[people["bianchi"].pk]) not in html, text
        # The code is found, but neither the address nor the page's links carry it.
        assert rossi.fiscal_code not in location
        assert "333" not in location


def test_a_code_is_kept_behind_a_token_and_a_name_in_the_address(client_as, operator, people):
    client = client_as(operator)
    location, _page = search(client, people["rossi"].fiscal_code)
    assert "ricerca=" in location
    assert "q=" not in location
    location, _page = search(client, "Rossi")
    assert location.endswith("?q=Rossi")


def test_a_code_typed_in_the_address_is_moved_out_of_it(client_as, operator, people):
    client = client_as(operator)
    response = client.get(reverse("search") + "?q=" + people["rossi"].fiscal_code)
    assert response.status_code == 303
    assert people["rossi"].fiscal_code not in response["Location"]


def test_a_token_of_another_session_finds_nothing(client, client_as, operator, people):
    response = client_as(operator).get(reverse("search") + "?ricerca=sconosciuto")
    assert "non è più disponibile" in response.content.decode()


def test_the_funder_searches_no_people(client_as, funder, people):
    client = client_as(funder)
    _location, page = search(client, "Rossi")
    html = page.content.decode()
    assert reverse("people:detail", args=[people["rossi"].pk]) not in html
    assert 'id="search-people"' not in html
    assert 'id="search-organisations"' in html
    # The header's box says what it searches: no people for a funder.
    assert "Cerca persone" not in client.get("/").content.decode()
    assert "Cerca organizzazioni" in client.get("/").content.decode()


def test_a_partner_finds_only_its_own_organisation(client_as, partner, db):
    own = factories.organisation("Cooperativa Aurora")
    factories.organisation("Cooperativa Borea")
    OrganisationMember.objects.create(organisation=own, user=partner)
    _location, page = search(client_as(partner), "Cooperativa")
    html = page.content.decode()
    assert "Cooperativa Aurora" in html
    assert "Cooperativa Borea" not in html


def test_a_coach_finds_only_the_people_of_their_projects(client_as, coach, people):
    _location, page = search(client_as(coach), "Rossi")
    assert reverse("people:detail", args=[people["rossi"].pk]) not in page.content.decode()


def test_the_search_reads_one_query_per_source(client_as, operator, db):
    client = client_as(operator)
    for i in range(2):
        factories.person("Verdi", f"Anna{i}")
    location, _page = search(client, "Verdi")
    with CaptureQueriesContext(connection) as few:
        client.get(location)
    for i in range(2, 14):
        factories.person("Verdi", f"Anna{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(location)
    assert len(many) == len(few)
    html = page.content.decode()
    assert html.count(reverse("people:detail", args=[0])[:-2]) >= 10
    assert "Vedi tutti nell" in html


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("search"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
