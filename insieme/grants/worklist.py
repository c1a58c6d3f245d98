"""The office's and the funder's worklist entries on the home page (`insieme.core.worklist`):
expense reports to review (operators), and for funders the grants of their own funds, counted
only (money, never names)."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import worklist
from insieme.core.money import eur
from insieme.grants.models import ExpenseItem, ExpenseStatus, Grant
from insieme.network.models import Organisation

EXPENSES_TO_REVIEW = "spese_da_esaminare"


def expenses_to_review(user: Any, today: datetime.date) -> QuerySet:
    return (
        ExpenseItem.objects.filter(
            status=ExpenseStatus.PENDING, grant__in=Grant.objects.visible_to(user)
        )
        .select_related("grant")
        .order_by("invoice_date", "pk")
    )


def grants_with_expenses_to_review(grants: QuerySet, user: Any) -> QuerySet:
    from django.utils import timezone

    pending = expenses_to_review(user, timezone.localdate())
    return grants.filter(Exists(pending.filter(grant=OuterRef("pk"))))


def _expense_row(expense: ExpenseItem, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        f"{expense.grant.code} — {expense.supplier}",
        reverse("grants:grant_detail", args=[expense.grant_id]) + "#expenses",
        f"{eur(expense.amount)} · {date_format(expense.invoice_date, 'SHORT_DATE_FORMAT')}",
    )


def funder_grants(user: Any, today: datetime.date) -> QuerySet:
    """The grants paid from the funds of the funder's own organisations."""
    own = Organisation.objects.filter(members__user=user)
    return Grant.objects.filter(fund__funder__in=own.values("pk"))


def funder_payments_this_year(user: Any, today: datetime.date) -> QuerySet:
    from insieme.grants.models import Disbursement

    return Disbursement.objects.filter(
        grant__in=funder_grants(user, today), paid_on__year=today.year
    )


def register() -> None:
    worklist.register(
        worklist.Entry(
            key="grants.expenses_to_review",
            role=Role.OPERATOR,
            label=_("Expense reports to review"),
            items=expenses_to_review,
            url=lambda user, today: reverse("grants:my_grants") + f"?filtro={EXPENSES_TO_REVIEW}",
            row=_expense_row,
            order=90,
        )
    )
    ledger = lambda user, today: reverse("grants:funder_ledger")  # noqa: E731
    worklist.register(
        worklist.Entry(
            key="grants.funder_grants",
            role=Role.FUNDER,
            label=_("Grants from your funds"),
            items=funder_grants,
            url=ledger,
            order=10,
        )
    )
    worklist.register(
        worklist.Entry(
            key="grants.funder_payments",
            role=Role.FUNDER,
            label=_("Payments made this year"),
            items=funder_payments_this_year,
            url=ledger,
            order=20,
        )
    )
