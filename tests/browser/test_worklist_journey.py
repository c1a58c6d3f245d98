"""The day starts on the home: the operator reads the worklist and opens the first count; every
role's navigation stays on one line at 1366 px and fits a phone."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD, totp_code
from insieme.accounts.demo import ensure_demo_users
from insieme.accounts.models import Role
from insieme.employment.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test before this one may have flushed what the migrations loaded."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("load_reference_data", stdout=io.StringIO())


def test_the_operator_reads_the_worklist_and_opens_the_first_count(
    live_server, page: Page, operator
):
    today = timezone.localdate()
    factories.registration(factories.person("Attesa", "Alba"), on=today)
    factories.registration(
        factories.person("Ritardo", "Rita"), on=today - datetime.timedelta(days=50)
    )
    cache.clear()
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Codice").fill(totp_code())
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga")

    first = page.locator(".worklist-count").first
    expect(first).to_contain_text("2")
    expect(first).to_contain_text("Persone da contattare")
    late = page.locator('[data-entry="employment.overdue"]')
    expect(late).to_contain_text("Ritardo Rita")
    expect(late).not_to_contain_text("Attesa Alba")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lista d'attesa")
    expect(page.get_by_role("status")).to_contain_text("nessuno ha ancora contattato")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)

    # The header's search, from the keyboard: "/" jumps to it, Enter submits.
    page.keyboard.press("/")
    expect(page.locator("#header-search-q")).to_be_focused()
    page.keyboard.type("Ritardo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cerca")
    expect(page.get_by_role("link", name="Ritardo Rita")).to_be_visible()


def _log_in_as(page: Page, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


NAV_ROWS = """() => {
  const items = Array.from(document.querySelectorAll('#main-nav .navbar-nav > .nav-item'));
  return new Set(items.map(item => Math.round(item.getBoundingClientRect().top))).size;
}"""
OVERFLOW = """() => Array.from(document.querySelectorAll('header *'))
  .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className).slice(0, 5)"""


def test_every_demo_role_has_its_navigation_on_one_line_and_on_a_phone(live_server, page: Page):
    for role, user, _secret in ensure_demo_users():
        _log_in_as(page, live_server.url, user)
        page.set_viewport_size(LAPTOP)
        page.goto(live_server.url + "/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(user.first_name)
        nav = page.locator("#main-nav")
        expect(nav).to_be_visible()
        assert page.evaluate(NAV_ROWS) == 1, f"the navigation of {role} wraps at 1366 px"
        height = nav.bounding_box()["height"]
        item = page.locator("#main-nav .nav-item").first.bounding_box()["height"]
        assert height <= item + 2, f"the navigation of {role} is {height}px high"
        assert page.evaluate(OVERFLOW) == [], role

        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/")
        assert page.evaluate(OVERFLOW) == [], f"the header of {role} is wider than a phone"
        toggler = page.get_by_role("button", name="Mostra o nascondi la navigazione")
        expect(toggler).to_be_visible()
        toggler.click()
        expect(page.locator("#main-nav .nav-item").first).to_be_visible()
