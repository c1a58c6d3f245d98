from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from insieme.network.tests.factories import organisation, partita_iva

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_operator_fixes_a_wrong_partita_iva_and_finds_the_organisation(
    live_server, page: Page, operator
):
    page.set_default_timeout(10_000)
    organisation("Fondazione del Monte", n=7)
    log_in(page, live_server, operator)
    code = partita_iva(4242)
    wrong = code[:10] + str((int(code[10]) + 3) % 10)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Organizzazioni").first.click()
    page.get_by_role("link", name="Registra un'organizzazione").click()
    page.get_by_label("codice fiscale / partita IVA").fill(wrong)
    page.get_by_label("Denominazione").fill("Società Cooperativa Città Aperta")
    page.get_by_label("forma giuridica").select_option("cooperativa_sociale")
    page.locator(
        "label", has_text="Partner"
    ).first.click()  # Bootstrap Italia draws the box on the label
    page.get_by_label("Comune", exact=True).fill("Bologna")
    expect(page.get_by_label("Partner", exact=True)).to_be_checked()
    page.get_by_role("button", name="Salva").click()

    error = page.locator("#id_fiscal_code_error")
    expect(error).to_contain_text("La cifra di controllo (l'ultima) di questa partita IVA")
    page.get_by_label("codice fiscale / partita IVA").fill(code)
    page.get_by_role("button", name="Salva").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Società Cooperativa Città Aperta")
    expect(page.get_by_text("Bologna (BO)")).to_be_visible()

    page.get_by_role("link", name="Organizzazioni").first.click()
    page.locator("#main").get_by_role("searchbox").fill("citta aper")
    results = page.locator("#results")
    expect(results).to_contain_text("Organizzazioni trovate: 1")
    expect(results.get_by_role("link", name="Società Cooperativa Città Aperta")).to_be_visible()
    expect(results).not_to_contain_text("Fondazione del Monte")
    # The search is in the address, so the list can be bookmarked or shared.
    assert parse_qs(urlsplit(page.url).query)["q"] == ["citta aper"]
