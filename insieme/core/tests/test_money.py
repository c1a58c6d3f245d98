from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from insieme.core import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("60000"), "€\u00a060.000,00"),
        (Decimal("168000.5"), "€\u00a0168.000,50"),
        (Decimal("1000"), "€\u00a01.000,00"),
        (Decimal("0"), "€\u00a00,00"),
        ("140000.00", "€\u00a0140.000,00"),
        (999, "€\u00a0999,00"),
        (Decimal("-1000"), "€\u00a0-1.000,00"),
        (Decimal("1234567.891"), "€\u00a01.234.567,89"),
        (None, ""),
    ],
)
def test_one_style_euro_first_with_a_no_break_space(value, shown):
    with translation.override("it"):
        assert money.eur(value) == shown


def test_the_style_is_italian_whatever_the_language_of_the_page():
    with translation.override("en"):
        assert money.eur(Decimal("60000")) == "€\u00a060.000,00"


def test_the_template_filter_is_the_same_function_on_every_template():
    with translation.override("it"):
        html = Template("{{ amount|eur }}").render(Context({"amount": Decimal("60000")}))
    assert html == "€\u00a060.000,00"


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("7.95"), None, "7,95"),
        ("7.95", None, "7,95"),
        (Decimal("7.5"), None, "7,5"),
        (Decimal("38.00"), None, "38"),
        (Decimal("1250.5"), None, "1.250,5"),
        (Decimal("7.5"), 2, "7,50"),
        (7.95, 1, "8,0"),
        (None, None, ""),
        ("", None, ""),
    ],
)
def test_numbers_are_italian_decimals(value, places, shown):
    with translation.override("it"):
        assert money.number(value, places) == shown


def test_the_number_filter_reads_the_strings_of_a_snapshot():
    with translation.override("it"):
        html = Template("{{ score|number }} {{ hours|number:2 }}").render(
            Context({"score": "7.95", "hours": Decimal("1.5")})
        )
    assert html == "7,95 1,50"
