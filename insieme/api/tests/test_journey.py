"""The issue's "done when": a partner's developer, from the pages alone, creates a token and reads
their organisation's vacancies and referrals, and nothing else."""

import json
import urllib.error
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


def _call(url: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    """What the developer's program does, over HTTP to the live server on 127.0.0.1."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


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

    # The documentation page alone says, in Italian, how to create a token and send it.
    page.get_by_role("link", name="Documentazione API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentazione API")
    steps = page.locator("#getting-started + ol > li")
    expect(page.get_by_role("heading", name="Per iniziare, in quattro passi")).to_be_visible()
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_contain_text("lettura")
    expect(steps.nth(1)).to_contain_text("viene mostrato una volta sola")
    expect(steps.nth(2)).to_contain_text("Authorization: Bearer")
    expect(steps.nth(3)).to_contain_text("GET /referrals")
    expect(page.locator("#insieme_api_registry_list_vacancies")).to_contain_text(
        "Il token di un partner vede solo le offerte della propria organizzazione."
    )
    base = page.locator("pre code").first.inner_text().split("curl", 2)[1].split()[-1]
    base = base.removesuffix("me")
    assert base == live_server.url + "/api/v1/"

    steps.nth(0).get_by_role("link", name="Token API personali").click()
    page.get_by_label("Nome").fill("Gestionale HR")
    expect(page.get_by_label("Lettura")).to_be_checked()
    expect(page.get_by_label("Scrittura")).not_to_be_checked()
    page.get_by_role("button", name="Crea il token").click()
    expect(page.get_by_text("copialo ora")).to_be_visible()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("ins_")

    status, me = _call(base + "me", token)
    assert (status, me["email"], me["scopes"]) == (200, partner.email, ["read"])
    _status, vacancies = _call(base + "vacancies", token)
    assert [v["title"] for v in vacancies["results"]] == ["Aiuto cuoco"]
    _status, referrals = _call(base + "referrals", token)
    assert [(r["candidate"]["last_name"], r["vacancy"]) for r in referrals["results"]] == [
        ("Rossi", world.vacancy_a.pk)
    ]
    # Nothing else: another organisation's vacancy and candidate do not exist for this token,
    # the registry of people is the office's, and a read token changes nothing.
    assert _call(base + f"vacancies/{world.vacancy_b.pk}", token)[0] == 404
    assert _call(base + f"referrals/{world.referral_b.pk}", token)[0] == 404
    assert _call(base + "people", token)[0] == 403
    status, refused = _call(
        base + f"vacancies/{world.vacancy_a.pk}", token, "PATCH", {"status": "chiusa"}
    )
    assert (status, refused["message"]) == (403, "Questo token non ha l'ambito write.")
