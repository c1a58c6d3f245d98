"""The issue's "done when": a partner's developer, from the pages alone, creates a token and reads
their organisation's vacancies and referrals, and nothing else."""

import json
import urllib.request

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the reference data (comuni, contract types) survive for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # the live server on 127.0.0.1
        return json.loads(response.read())


def test_partner_developer_creates_a_token_and_reads_own_vacancies(
    live_server, page: Page, partner, world
):
    cache.clear()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(partner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="API", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Token API personali")
    page.get_by_role("link", name="Documentazione API").click()
    expect(page.get_by_text("/api/v1/vacancies", exact=True)).to_be_visible()
    page.get_by_role("link", name="Crea un token").first.click()
    page.get_by_label("Nome").fill("Gestionale HR")
    page.get_by_role("button", name="Crea il token").click()
    expect(page.get_by_text("copialo ora")).to_be_visible()
    token = page.locator("#new-token").inner_text().strip()

    base = live_server.url + "/api/v1/"
    vacancies = _get(base + "vacancies", token)["results"]
    assert [v["title"] for v in vacancies] == ["Aiuto cuoco"]
    referrals = _get(base + "referrals", token)["results"]
    assert [(r["candidate"]["last_name"], r["vacancy"]) for r in referrals] == [
        ("Rossi", world.vacancy_a.pk)
    ]
