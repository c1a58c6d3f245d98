"""Phone numbers: one validator and normaliser for every phone field (people, organisations,
contact persons, the public sign-up), on the `phonenumbers` library.

Numbers are read with Italy as the default region, so "051 123456" and "333 1234567" need no
prefix, and a foreign number is written with its own (+33 ...). They are stored in E.164
("+39051123456", "+393331234567"): one form for every number, whatever the spacing typed, that
compares equal, dials from a `tel:` link and travels unchanged through the API and exports.
"""

from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "IT"

INVALID_MESSAGE = _(
    "This is not a phone number we can call: write it with its prefix, for example "
    "051 123456 or 333 1234567 (+ and the country code for a foreign number)."
)


def normalise(value: str | None) -> str:
    """The number in E.164 ("" when nothing was typed); ValidationError in Italian if it is not
    a valid number."""
    typed = (value or "").strip()
    if not typed:
        return ""
    try:
        number = phonenumbers.parse(typed, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate(value: str | None) -> None:
    normalise(value)


class PhoneFormMixin:
    """For a form with a `phone` field: the number checked and stored in E.164."""

    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        return normalise(self.cleaned_data.get("phone"))
