"""The administrator's worklist on the home page (`insieme.core.worklist`): accounts invited
that have never signed in (the workbook imports waiting for confirmation come from impact)."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.core import worklist

NEVER_SIGNED_IN = "mai_entrati"


def never_signed_in(user: Any, today: datetime.date) -> QuerySet:
    return User.objects.filter(is_active=True, last_login__isnull=True).order_by(
        "-date_joined", "pk"
    )


def _row(account: User, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        str(account),
        reverse("accounts:user_list") + f"?filtro={NEVER_SIGNED_IN}",
        date_format(account.date_joined.date(), "SHORT_DATE_FORMAT"),
    )


def register() -> None:
    worklist.register(
        worklist.Entry(
            key="accounts.never_signed_in",
            role=Role.ADMIN,
            label=_("Accounts invited that have not signed in yet"),
            items=never_signed_in,
            url=lambda user, today: reverse("accounts:user_list") + f"?filtro={NEVER_SIGNED_IN}",
            row=_row,
            order=10,
        )
    )
