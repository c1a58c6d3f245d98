"""Rules on single values that feed the grants' figures, checked by the services (so the pages,
the API and the workbook get the same answer); each message names the field and what to do."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def check_fund_budget(budget: Decimal) -> None:
    if budget is None or budget < 0:
        raise ValidationError(
            {
                "budget": ValidationError(
                    _("The budget cannot be negative: give the fund's amount in euro."),
                    code="negative",
                )
            }
        )


def check_expense(amount: Decimal, invoice_date: date) -> None:
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = ValidationError(
            _("The amount of the expense must be above zero: give the invoice's amount."),
            code="not_positive",
        )
    if invoice_date is not None and invoice_date > timezone.localdate():
        errors["invoice_date"] = ValidationError(
            _(
                "The invoice date %(date)s is in the future: report the expense once the "
                "invoice has been issued."
            ),
            code="invoice_in_future",
            params={"date": invoice_date.strftime("%d/%m/%Y")},
        )
    if errors:
        raise ValidationError(errors)
