"""An operator links a person's account after checking their identity; the person then reads
their own profile and withdraws a consent themselves."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD, make_user, totp_code
from insieme.accounts.models import Role
from insieme.people.models import Consent
from insieme.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test before this one may have flushed what the migrations loaded."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("load_reference_data", stdout=io.StringIO())


def log_in(page: Page, base_url: str, email: str, *, mfa: bool) -> None:
    cache.clear()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    if mfa:
        page.get_by_label("Codice").fill(totp_code())
        page.get_by_role("button", name="Accedi").click()


def test_operator_links_the_account_and_the_person_withdraws_a_consent(
    live_server, page: Page, browser: Browser
):
    operator = make_user("operatrice@example.org", Role.OPERATOR, first_name="Olga")
    make_user("lucia@example.org", Role.APPLICANT, first_name="Lucia", last_name="Neri")
    person = PersonFactory(last_name="Neri", first_name="Lucia", email="lucia@example.org")
    Consent.objects.create(
        person=person,
        purpose="newsletter",
        notice_version="2026-01",
        given_on=datetime.date(2026, 1, 10),
        channel="cartaceo",
    )

    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server.url, operator.email, mfa=True)
    page.goto(f"{live_server.url}/persone/{person.pk}/")
    expect(page.get_by_text("Nessun account collegato")).to_be_visible()
    page.get_by_text("Collega un account o invita la persona").click()
    expect(page.get_by_label("Indirizzo e-mail dell'account della persona")).to_have_value(
        "lucia@example.org"
    )
    # Without the identity check the browser's own validation stops the form; the server's
    # message is tested without a browser.
    page.get_by_label("Ho verificato il documento d'identità della persona").check(force=True)
    page.get_by_role("button", name="Collega", exact=True).click()
    expect(page.get_by_text("è ora collegata all'account lucia@example.org")).to_be_visible()
    expect(page.get_by_text("Scheda collegata all'account")).to_be_visible()
    page.context.close()

    context = browser.new_context(locale="it-IT")
    mine = context.new_page()
    mine.on("dialog", lambda dialog: dialog.accept())
    log_in(mine, live_server.url, "lucia@example.org", mfa=False)
    mine.get_by_role("link", name="Il mio profilo").first.click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Il mio profilo")
    expect(mine.get_by_text(person.fiscal_code)).to_be_visible()
    consents = mine.locator("#consensi")
    expect(consents).to_contain_text("Newsletter")
    expect(consents).to_contain_text("valido")
    consents.get_by_role("button", name="Revoca").click()
    expect(mine.get_by_text("Hai revocato il consenso per: Newsletter")).to_be_visible()
    expect(consents).to_contain_text("revocato il")
    with mine.expect_download() as download_info:
        mine.get_by_role("link", name="Tutto ciò che il programma conserva su di me (PDF)").click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    context.close()
    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None
