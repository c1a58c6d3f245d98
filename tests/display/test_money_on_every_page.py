"""Every page of every role writes money one way: "€ 60.000,00" (insieme.core.money.eur).

The defect: one screen showed "€ 60000,00", "168.000,00 €" and "10.000,00 EUR". This walks every
page (GET, not the admin nor the API) of the authorization world (tests/security/world.py: funds,
grants, tranches, payments, expenses, microcredit, projects…) for the roles that see money, and
fails on any amount written in another style, naming the page.
"""

import re

import pytest

from tests.security.patterns import all_patterns
from tests.security.test_authorization_matrix import observe, world  # noqa: F401 (fixture)

ROLES = ("op", "adm", "fun", "app", "coa", "par", "ev")
PAGES = [p for p in all_patterns() if not p.api and not p.key.startswith(("admin", "/"))]
DIGITS = r"\d[\d.,]*\d|\d"
# Other ways of writing an amount than eur()'s.
WRONG = {
    "currency after the number": re.compile(rf"(?:{DIGITS})[ \u00a0\u202f]?(?:€|EUR\b)"),
    "EUR before the number": re.compile(rf"\bEUR[ \u00a0\u202f]?-?(?:{DIGITS})"),
    "an ordinary space after €": re.compile(rf"€[ \t\u202f]+-?(?:{DIGITS})"),
    "no grouping of thousands": re.compile(r"€\u00a0-?\d{4,}"),
    "not two decimals": re.compile(r"€\u00a0-?\d{1,3}(?:\.\d{3})*(?![\d.]*,\d{2}(?!\d))"),
    "a decimal point": re.compile(r"€\u00a0-?\d+\.\d{2}(?!\d)"),
}
SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    from html import unescape

    return unescape(TAG.sub("\n", SCRIPT.sub("\n", html)))


def money_problems(text: str) -> list[str]:
    return [
        f"{what}: {match.group(0)!r}"
        for what, pattern in WRONG.items()
        for match in pattern.finditer(text)
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("€ 60000,00", "an ordinary space after €"),
        ("€\u00a060000,00", "no grouping of thousands"),
        ("168.000,00 €", "currency after the number"),
        ("168.000,00\u00a0€", "currency after the number"),
        ("10.000,00 EUR", "currency after the number"),
        ("EUR 10.000", "EUR before the number"),
        ("€\u00a010.000", "not two decimals"),
        ("€\u00a010000.00", "no grouping of thousands"),
        ("€\u00a0100.00", "a decimal point"),
    ],
)
def test_the_check_knows_the_wrong_styles(text, problem):
    assert any(found.startswith(problem) for found in money_problems(text)), text


def test_the_one_style_passes():
    from decimal import Decimal

    from insieme.core.money import eur

    for value in ("60000", "168000.5", "0", "-1000", "999", "1234567.89"):
        assert money_problems(f"Importo {eur(Decimal(value))}, rata (EUR) 2.") == []


@pytest.mark.django_db
def test_every_page_writes_money_the_one_way(world):  # noqa: F811
    problems, pages = [], 0
    for pattern in PAGES:
        for role in ROLES:
            status, _tables, body = observe(world, pattern, role, "GET")
            if status != "200" or body.startswith((b"%PDF", b"PK")):
                continue
            pages += 1
            text = visible_text(body.decode("utf-8", "replace"))
            problems += [f"{pattern.key} ({role}) {p}" for p in money_problems(text)]
    assert pages > 150
    assert not problems, "\n".join(sorted(set(problems)))
