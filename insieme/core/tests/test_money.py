from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from insieme.core import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("10000"), "10.000,00\u00a0€"),
        (Decimal("168000.5"), "168.000,50\u00a0€"),
        (Decimal("0"), "0,00\u00a0€"),
        ("140000.00", "140.000,00\u00a0€"),
        (999, "999,00\u00a0€"),
        (None, ""),
    ],
)
def test_one_style_with_a_no_break_space(value, shown):
    with translation.override("it"):
        assert money.eur(value) == shown


def test_the_template_filter_is_the_same_function_on_every_template():
    with translation.override("it"):
        html = Template("{{ amount|eur }}").render(Context({"amount": Decimal("60000")}))
    assert html == "60.000,00\u00a0€"
