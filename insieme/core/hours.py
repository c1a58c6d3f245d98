"""Weekly hours, one rule for every field that holds them (a vacancy's, a placement's, a
person's hours available): from 1 to 60. Hours above 60 are beyond what a contract allows
(48 on average, with overtime) and would distort the full-time figures; below 1 is a typing slip.

Attached as the fields' validator, so model forms and `full_clean()` apply it; services and the
workbook import call it directly."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEEKLY_HOURS_MIN = Decimal(1)
WEEKLY_HOURS_MAX = Decimal(60)


def validate_weekly_hours(hours: Decimal | int | None) -> None:
    if hours is not None and not WEEKLY_HOURS_MIN <= hours <= WEEKLY_HOURS_MAX:
        raise ValidationError(
            _(
                "Weekly hours must be between 1 and 60: write the hours worked in a week, for "
                "example 38 or 20."
            ),
            code="weekly_hours_range",
        )
