"""Amounts on a phone: "€ 140.000,00" stays on one line wherever it is written, and the charts
write the same style as the pages (insieme/core/money.py, static/js/charts.js)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, expect

from insieme.core.money import eur
from insieme.grants.models import Fund, Grant
from insieme.impact.demo import load_demo_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# For every text node holding an amount, the lines each amount takes (1 when it does not wrap).
LINES_OF_AMOUNTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const amount = /€[\\s\\u00a0]-?[\\d.]+,\\d{2}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(amount)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (!rects.length) continue;  // hidden (a closed <details>, a collapsed menu)
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      found.push([match[0], tops.size]);
    }
  }
  return found;
}"""


def phone_page(browser: Browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="it-IT", viewport=PHONE, is_mobile=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_no_amount_wraps_on_a_phone_and_the_charts_write_the_same_style(
    live_server, browser: Browser, operator
):
    load_demo_programme()
    grant = Grant.objects.order_by("-amount_awarded").first()
    pages = [
        reverse("impact:dashboard"),
        reverse("grants:fund_list"),
        reverse("grants:fund_detail", args=[Fund.objects.order_by("pk").first().pk]),
        reverse("grants:grant_detail", args=[grant.pk]),
        reverse("impact:records", args=["projects.grants_awarded_eur"]),
    ]
    page = phone_page(browser, live_server, operator)
    seen = 0
    for path in pages:
        page.goto(live_server.url + path)
        amounts = page.evaluate(LINES_OF_AMOUNTS)
        seen += len(amounts)
        wrapped = [text for text, lines in amounts if lines != 1]
        assert not wrapped, f"{path}: {wrapped}"
        cells = page.locator("td.amount")
        for index in range(min(cells.count(), 5)):
            assert cells.nth(index).evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
    assert seen > 20

    page.goto(live_server.url + reverse("impact:dashboard"))
    canvas = page.locator('canvas[data-chart="money"]')
    expect(canvas).to_be_attached()
    tick = canvas.evaluate(
        "c => { const s = Chart.getChart(c).options.scales; return s.y.ticks.callback(60000); }"
    )
    assert tick == eur(Decimal("60000"))
