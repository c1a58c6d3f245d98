"""Money as people read it: one style for every page, PDF, spreadsheet for people and message.

`eur(Decimal("10000"))` is "10.000,00 €": Italian grouping, two decimals, the euro sign after the
number with a no-break space (U+00A0) between them, so that an amount never wraps mid-number. The
template filter `{{ amount|eur }}` (`insieme.core.templatetags.money`, a builtin of the templates)
is this function.

Machine-readable figures keep their contract (DOMAIN.md): the JSON of `impact_report` and the API
write amounts as strings with two decimals and a dot ("140000.00"), never through this module.
"""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format

NBSP = "\u00a0"


def amount(value: Decimal | int | float | str | None) -> str:
    """The number alone, the Italian way: 10000 -> "10.000,00" ("" for no value)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)


def eur(value: Decimal | int | float | str | None) -> str:
    """10000 -> "10.000,00 €" with a no-break space ("" for no value)."""
    text = amount(value)
    if not text or not text[-1].isdigit():
        return text
    return f"{text}{NBSP}€"
