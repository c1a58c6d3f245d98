"""Codice fiscale of a person: normalisation, validation and what the code says about its holder.

A definitive code has 16 characters and a check character (omocodic variants, where digits are
replaced by letters to tell apart people with the same data, are valid too). A temporary code is
11 digits whose last one is a check digit computed as for a partita IVA; it is issued, for
example, to asylum seekers until they receive the definitive code.
"""

import datetime
import re
from dataclasses import dataclass

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TEMPORARY_CODE_RE = re.compile(r"^\d{11}$")

MISSING_CODE_MESSAGE = _(
    "A person cannot be registered without a codice fiscale. Any Agenzia delle Entrate office "
    "issues one; asylum seekers receive a temporary numeric code (11 digits) from the Questura "
    "or the Agenzia delle Entrate."
)


@dataclass(frozen=True)
class DecodedCode:
    """What a definitive code says about its holder (nothing for a temporary code)."""

    code: str
    is_temporary: bool
    birth_date: datetime.date | None = None
    sex: str = ""
    birth_place_code: str = ""
    birth_place: str = ""


def normalise(value: str | None) -> str:
    """Upper case, without spaces or other separators operators type."""
    return re.sub(r"[\s.\-_/]", "", value or "").upper()


def numeric_check_digit(first_ten: str) -> int:
    """The check digit of an 11-digit code (the partita IVA algorithm)."""
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_temporary(code: str) -> bool:
    return bool(TEMPORARY_CODE_RE.match(code)) and numeric_check_digit(code[:10]) == int(code[10])


def is_valid_personal(code: str) -> bool:
    return len(code) == 16 and codicefiscale.is_valid(code)


def decode(value: str) -> DecodedCode:
    """Validate and decode a person's code; raise ValidationError (in Italian) if it is wrong."""
    code = normalise(value)
    if not code:
        raise ValidationError(MISSING_CODE_MESSAGE, code="required")
    if code.isdigit():
        if len(code) != 11:
            raise ValidationError(
                _("A temporary numeric code has 11 digits; this one has %(count)d."),
                code="temporary_length",
                params={"count": len(code)},
            )
        if not is_valid_temporary(code):
            raise ValidationError(
                _("The check digit of this temporary code is wrong: check the 11 digits."),
                code="temporary_check_digit",
            )
        return DecodedCode(code=code, is_temporary=True)
    if len(code) != 16:
        raise ValidationError(
            _("A codice fiscale has 16 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    try:
        data = codicefiscale.decode(code)
    except ValueError as error:
        if "CIN" in str(error):
            raise ValidationError(
                _(
                    "The check character (the last one) of this codice fiscale does not match: "
                    "there is probably a typo."
                ),
                code="check_character",
            ) from None
        raise ValidationError(
            _("This is not a valid codice fiscale: check the date and place of birth part."),
            code="invalid",
        ) from None
    place = data["birthplace"] or {}
    return DecodedCode(
        code=code,
        is_temporary=False,
        birth_date=data["birthdate"].date(),
        sex=data["gender"],
        birth_place_code=place.get("code", ""),
        birth_place=_place_label(place),
    )


def _place_label(place: dict) -> str:
    name = place.get("name", "")
    province = place.get("province", "")
    if not name:
        return ""
    if province and province != "EE":
        return f"{name} ({province})"
    return name


def validate_person_code(value: str) -> None:
    decode(value)
