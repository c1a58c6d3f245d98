"""What impact adds to the home's worklists (`insieme.core.worklist`): the workbook imports
checked and waiting for someone to confirm them (operators and administrators)."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import worklist
from insieme.impact.models import ImportStatus, WorkbookImport

TO_CONFIRM = "da_confermare"


def imports_to_confirm(user: Any, today: datetime.date) -> QuerySet:
    return (
        WorkbookImport.objects.defer("content").filter(status=ImportStatus.CHECKED).order_by("-pk")
    )


def _row(workbook: WorkbookImport, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        workbook.file_name,
        reverse("impact:import_detail", args=[workbook.pk]),
        date_format(timezone.localtime(workbook.created_at), "SHORT_DATE_FORMAT"),
    )


def register() -> None:
    for role, order in ((Role.ADMIN, 20), (Role.OPERATOR, 100)):
        worklist.register(
            worklist.Entry(
                key=f"impact.imports_to_confirm.{role}",
                role=role,
                label=_("Workbook imports checked, to confirm"),
                items=imports_to_confirm,
                url=lambda user, today: reverse("impact:import_upload") + f"?filtro={TO_CONFIRM}",
                row=_row,
                order=order,
            )
        )
