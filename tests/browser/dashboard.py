"""Reading the dashboard's figures from the page, as a person would, to compare them with records."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

PROJECTS = "Innovazione sociale e autoimpiego"
EMPLOYMENT = "Servizi per il lavoro (intero programma)"


def number(text: str) -> Decimal:
    """A figure as shown in Italian ("1.234", "€\u00a05.000,00") as a number."""
    digits = re.sub(r"[^\d,-]", "", text).replace(",", ".")
    if not digits:
        raise ValueError(f"not a figure: {text!r}")
    return Decimal(digits)


def figures(page: Page, base_url: str, section: str, labels: list[str]) -> dict[str, Decimal]:
    """The figures called `labels` in one section of the dashboard, read from the page."""
    page.goto(base_url + "/cruscotto/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cruscotto")
    block = page.locator("section", has=page.get_by_role("heading", name=section, exact=True))
    values = {}
    for label in labels:
        cell = block.locator(f'[data-figure="{label}"]')
        expect(cell).to_have_count(1)
        values[label] = number(cell.inner_text())
    return values


def changes(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    return {label: after[label] - before[label] for label in before}
