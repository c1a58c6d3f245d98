import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from conftest import PASSWORD, totp_code
from insieme.impact.demo import load_demo_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, user) -> None:
    cache.clear()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Codice").fill(totp_code())
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(user.first_name)


def test_operator_opens_the_dashboard_and_lands_on_the_records_of_a_figure(
    live_server, page: Page, operator
):
    load_demo_programme()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.location["url"]) if m.type == "error" else None)
    log_in(page, live_server.url, operator)

    page.get_by_role("link", name="Cruscotto").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cruscotto")
    # The charts are drawn (Chart.js attaches to the canvas) and nothing broke the CSP.
    expect(page.locator('canvas[data-chart="funnel"]')).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=funnel]'))"
    )

    figure = page.locator('a[data-figure="Progetti accompagnati"]')
    shown = int(figure.inner_text())
    assert shown == 47
    figure.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Progetti accompagnati")
    expect(page.locator("#record-count")).to_have_text(re.compile(rf"Voci trovate: {shown}\b"))
    expect(page.locator("#records tbody tr")).to_have_count(shown)
    # Our chart code raised nothing (the vendored bundles' own CSP notices are not ours).
    assert not [url for url in problems if "chart" in url], problems


def test_filters_apply_without_reloading_and_links_follow_them(live_server, page: Page, operator):
    load_demo_programme()
    log_in(page, live_server.url, operator)
    page.goto(live_server.url + "/cruscotto/")
    page.get_by_label("Linea").select_option("autoimpiego")
    page.get_by_role("button", name="Applica i filtri").click()
    figure = page.locator('a[data-figure="Candidature"]')
    expect(figure).to_have_text("36")
    expect(page).to_have_url(re.compile(r"linea=autoimpiego"))
    figure.click()
    expect(page.locator("#records tbody tr")).to_have_count(36)
