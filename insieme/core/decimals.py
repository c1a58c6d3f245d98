"""Exact decimals for every app: rounded in SQL to two places, typed the Italian way."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db import models
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
MONEY = models.DecimalField(max_digits=12, decimal_places=2)


class TwoDecimals(Round):
    """ROUND(x, 2) read back as an exact Decimal with two places, on every database.

    SQLite sums decimals as floats and Django turns a computed float into a Decimal of 15
    significant digits (8.32000000000001); PostgreSQL already returns numeric(…, 2).
    """

    def __init__(self, expression, output_field=None):
        super().__init__(expression, 2, output_field=output_field or MONEY)

    def convert_value(self, value, expression, connection):
        # Runs after the backend's converter (float -> Decimal of 15 digits).
        return None if value is None else Decimal(value).quantize(CENT, ROUND_HALF_UP)


def parse_amount(value: str) -> str:
    """Read an amount as people type it in Italy: 5.000,00 · 5000,5 · 5000.50 · € 5.000."""
    text = re.sub(r"[\s€]", "", value)
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if text.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", text):
        return text.replace(".", "")
    return text


class ItalianDecimalField(forms.DecimalField):
    default_error_messages = {"invalid": _("Enter an amount such as 1.250,50.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_amount(value)
        return super().to_python(value)
