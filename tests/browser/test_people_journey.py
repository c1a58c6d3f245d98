import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Page, expect

from conftest import PASSWORD, totp_code
from insieme.accounts.models import Role
from insieme.people.models import Person
from insieme.people.tests.factories import PersonFactory, code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BORN = datetime.date(1991, 7, 14)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test before this one may have flushed what the migrations loaded."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("load_reference_data", stdout=io.StringIO())


def label(text: str) -> re.Pattern:
    """A field's label, with or without the required-field star."""
    return re.compile(rf"^{text}( \*)?$")


def log_in(page: Page, base_url: str, user) -> None:
    cache.clear()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Codice").fill(totp_code())
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga")


def test_operator_fixes_a_typo_in_the_code_and_finds_the_person(live_server, page: Page, operator):
    PersonFactory(last_name="Bianchi", first_name="Luca")
    code = code_for("Nicolò", "Anna", "F", BORN)
    typo = code[:-1] + ("Z" if code[-1] != "Z" else "Y")
    log_in(page, live_server.url, operator)

    page.get_by_role("link", name="Persone").first.click()
    page.get_by_role("link", name="Registra una persona").click()
    page.get_by_label(label("Codice fiscale")).fill(typo)
    page.get_by_label(label("Cognome")).fill("Nicolò")
    page.get_by_label(label("Nome")).fill("Anna")
    page.get_by_label(label("Comune di residenza")).fill("Bologna (BO)")
    page.get_by_role("button", name="Salva").click()

    error = page.locator("#id_fiscal_code_error")
    expect(error).to_contain_text("carattere di controllo")
    expect(error).to_contain_text("errore di battitura")
    assert not Person.objects.filter(last_name="Nicolò").exists()

    page.get_by_label(label("Codice fiscale")).fill(code)
    # While typing, the form shows what the code says and fills the date of birth.
    expect(page.locator("#code-info")).to_contain_text("14/07/1991")
    expect(page.get_by_label(label("Data di nascita"))).to_have_value("1991-07-14")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nicolò Anna")
    expect(page.get_by_text("Scheda di Nicolò Anna registrata.")).to_be_visible()
    person = Person.objects.get(last_name="Nicolò")
    assert person.birth_date == BORN
    assert person.sex == "F"
    assert code not in page.url

    page.get_by_role("link", name="Persone").first.click()
    page.get_by_label(label("Cerca")).fill("nicol")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Nicolò Anna")).to_be_visible()
    expect(results.get_by_role("link", name="Bianchi Luca")).to_have_count(0)
    assert "q=nicol" in page.url  # the search is bookmarkable

    # A search by code finds the person without putting the code in the address.
    page.get_by_label(label("Cerca")).fill(code.lower())
    expect(results.get_by_role("link", name="Bianchi Luca")).to_have_count(0)
    expect(results).to_contain_text("Persone trovate: 1")
    assert code.lower() not in page.url.lower()
    results.get_by_role("link", name="Nicolò Anna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nicolò Anna")


def test_without_javascript_a_code_search_stays_out_of_the_address(
    live_server, page: Page, operator
):
    person = PersonFactory(last_name="Verdi", first_name="Carla")
    PersonFactory(last_name="Bianchi", first_name="Luca")
    log_in(page, live_server.url, operator)
    # From here on no script runs: the forms are submitted by the browser itself.
    page.route("**/*.js", lambda route: route.abort())
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))

    page.goto(live_server.url + "/persone/")
    page.get_by_label(label("Cerca")).fill(person.fiscal_code.lower())
    page.locator("#main form[role=search]").get_by_role("button", name="Cerca").click()
    expect(page.locator("#results")).to_contain_text("Persone trovate: 1")
    expect(page.get_by_role("link", name="Verdi Carla")).to_be_visible()
    assert "ricerca=" in page.url
    assert not [url for url in visited if person.fiscal_code.lower() in url.lower()]

    # A name stays in the address, so that the search can be bookmarked.
    page.get_by_label(label("Cerca")).fill("verdi")
    page.locator("#main form[role=search]").get_by_role("button", name="Cerca").click()
    expect(page.get_by_role("link", name="Verdi Carla")).to_be_visible()
    assert "q=verdi" in page.url
