"""Codice fiscale of an organisation: 11 digits with a check digit (it is also the partita IVA of
most organisations), or, for a sole trader, the owner's 16-character personal code.

Operators paste codes from invoices and certificates: spaces, dots and an ``IT`` VAT prefix are
removed, letters upper-cased, before validating.
"""

import re

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NUMERIC_CODE_RE = re.compile(r"^\d{11}$")
PERSONAL_CODE_RE = re.compile(r"^[A-Z0-9]{16}$")


def normalise(value: str | None) -> str:
    """'it 0123456789 0' -> '01234567890'; 'rss mra 80a01 a944i' -> 'RSSMRA80A01A944I'."""
    code = re.sub(r"[\s.\-_/]", "", value or "").upper()
    if code.startswith("IT") and code[2:].isdigit() and len(code) == 13:
        code = code[2:]
    return code


def check_digit(first_ten: str) -> int:
    """The check digit of a partita IVA / 11-digit codice fiscale from its first ten digits."""
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_numeric(code: str) -> bool:
    return bool(NUMERIC_CODE_RE.match(code)) and check_digit(code[:10]) == int(code[10])


def is_valid_personal(code: str) -> bool:
    return bool(PERSONAL_CODE_RE.match(code)) and codicefiscale.is_valid(code)


def is_valid(code: str) -> bool:
    """`code` is already normalised."""
    return is_valid_numeric(code) or is_valid_personal(code)


def validate_organisation_code(value: str) -> None:
    """Raise a ValidationError in Italian that says what is wrong with `value`."""
    code = normalise(value)
    if code.isdigit():
        if len(code) != 11:
            raise ValidationError(
                _(
                    "A partita IVA / codice fiscale has 11 digits; this one has %(count)d. "
                    "Check it against the organisation's invoices or chamber of commerce record."
                ),
                code="numeric_length",
                params={"count": len(code)},
            )
        if not is_valid_numeric(code):
            raise ValidationError(
                _(
                    "The check digit (the last one) of this partita IVA does not match: "
                    "there is probably a typo in one of the 11 digits."
                ),
                code="numeric_check_digit",
            )
        return
    if len(code) == 16:
        if not is_valid_personal(code):
            raise ValidationError(
                _(
                    "This 16-character codice fiscale is not valid: check it, character by "
                    "character, against the sole trader's health card."
                ),
                code="personal_invalid",
            )
        return
    raise ValidationError(
        _(
            "Enter the 11-digit partita IVA / codice fiscale, or, for a sole trader, the owner's "
            "16-character codice fiscale."
        ),
        code="invalid",
    )
