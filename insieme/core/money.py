"""Money and numbers as people read them: one style for every page, PDF, on-screen table and message.

`eur(Decimal("60000"))` is "€ 60.000,00": the euro sign first, a no-break space (U+00A0), Italian
grouping and two decimals. A negative amount keeps its minus next to the digits, "€ -1.000,00",
so that nothing can break a line inside it (the no-break space glues the sign, and no line breaks
between a hyphen-minus and a digit) and the euro signs of a column stay aligned. The style is
Italian whatever the language of the page: it is the programme's money, written one way.

`number(Decimal("7.95"))` is "7,95": hours, scores and other decimals, the Italian way, for the
values that reach a template as strings (a snapshot's "7.95") or that Python writes in a message.

The template filters `{{ amount|eur }}` and `{{ value|number }}` (`insieme.core.templatetags.money`,
builtins of the templates) are these functions. In a table, put amounts in cells of class
`amount` (static/css/insieme.css: right-aligned, tabular digits, never wrapped).

Machine-readable figures keep their contract (DOMAIN.md, docs/regole.md): the JSON of
`impact_report` and the API write amounts as strings with two decimals and a dot ("140000.00"),
CSV exports write numbers with a decimal point and spreadsheets real numbers with a number format
(`XLSX_MONEY`), never through `eur` or `number`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat

NBSP = "\u00a0"
EURO = "€"
# The number format of amounts in the .xlsx exports: Excel shows it in the reader's own style.
XLSX_MONEY = "#,##0.00"
XLSX_NUMBER = "#,##0.0##"


def _decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _italian(number: Decimal, places: int | None) -> str:
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return numberformat.format(
        number,
        decimal_sep=",",
        decimal_pos=places,
        grouping=3,
        thousand_sep=".",
        force_grouping=True,
    )


def amount(value: Decimal | int | float | str | None) -> str:
    """The number alone, the Italian way: 60000 -> "60.000,00" ("" for no value)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    return _italian(number, 2)


def eur(value: Decimal | int | float | str | None) -> str:
    """60000 -> "€ 60.000,00" with a no-break space ("" for no value; text that is not a number,
    such as "<5", unchanged)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    return f"{EURO}{NBSP}{_italian(number, 2)}"


def number(value: Decimal | int | float | str | None, places: int | None = None) -> str:
    """7.95 -> "7,95"; `places` fixes the decimals (rounded half up), otherwise the value's own
    without trailing zeros ("38.00" -> "38", "7.50" -> "7,5"). "" for no value."""
    parsed = _decimal(value)
    if parsed is None:
        return "" if value is None or value == "" else str(value)
    if places is None:
        exponent = parsed.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    return _italian(parsed, places)
