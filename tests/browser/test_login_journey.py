import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_logs_in_with_mfa_and_sees_the_home_page(live_server, page: Page, operator):
    cache.clear()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Accedi").first.click()
    page.get_by_label("Email").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autenticazione")
    page.get_by_label("Codice").fill(totp_code())
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga")
    expect(page.get_by_role("heading", name="Operatore")).to_be_visible()
