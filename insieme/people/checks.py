"""The rules on a person's data that feed the figures, in one place: what a codice fiscale says
against the birth date and sex given, and the values the code gives when they are not.

Called by `Person.clean()` (so by every service that saves a person: the operator's form, the
public sign-up) and by the workbook's checks of the `persone` sheet, which write in bulk. The
figures count people by age and sex at entry (FSE+ indicators, DOMAIN.md): a birth date that
disagrees with the code would count the person in the wrong class.

- A definitive code (16 characters, omocodic variants included) holds the birth date (day,
  month, the last two digits of the year), the sex and the cadastral code of the birthplace.
  A date given must agree on the day, the month and those two digits (the century the code
  cannot tell is the one given); a sex given must be the code's. What is not given is taken
  from the code. The birthplace is never typed (no form asks for it): it is the code's.
- A temporary numeric code (11 digits) says nothing about its holder: nothing to check.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.core import fiscal_code


def disagreements(
    code: str, *, birth_date: datetime.date | None, sex: str
) -> dict[str, ValidationError]:
    """What the birth date and the sex given contradict in `code` (normalised), by field name;
    empty when they agree, were not given, or the code is not a valid definitive one."""
    if not fiscal_code.is_valid_personal(code):
        return {}
    errors: dict[str, ValidationError] = {}
    if birth_date is not None:
        code_date = fiscal_code.birth_date(code)
        given = (birth_date.day, birth_date.month, birth_date.year % 100)
        if given != (code_date.day, code_date.month, code_date.year % 100):
            errors["birth_date"] = ValidationError(
                _(
                    "The date of birth does not match the codice fiscale, which says the person "
                    "was born on %(code_date)s: correct the date of birth or the code."
                ),
                code="birth_date_mismatch",
                params={"code_date": date_format(code_date, "SHORT_DATE_FORMAT")},
            )
    code_sex = fiscal_code.sex(code)
    if sex and sex.upper() != code_sex:
        from insieme.people.models import Sex

        errors["sex"] = ValidationError(
            _(
                "The sex does not match the codice fiscale, which says %(code_sex)s: correct "
                "the sex or the code."
            ),
            code="sex_mismatch",
            params={"code_sex": str(Sex(code_sex).label).lower()},
        )
    return errors


def completed(decoded: fiscal_code.DecodedCode, values: dict[str, Any]) -> dict[str, Any]:
    """`values` (birth_date, sex) with what the code says where they are empty, and the code's
    birthplace; a temporary code adds nothing."""
    if decoded.is_temporary or decoded.birth_date is None:
        return dict(values)
    return {
        **values,
        "birth_date": values.get("birth_date") or decoded.birth_date,
        "sex": values.get("sex") or decoded.sex,
        "birth_place_code": decoded.birth_place_code,
        "birth_place": decoded.birth_place,
    }
