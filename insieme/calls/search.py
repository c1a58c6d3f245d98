"""Applications (by protocol code or title) and calls (by title or code) in the header's search
(`insieme.core.worklist.register_search`), among those the user may see: the office sees every
submitted application and every call, an applicant their own applications and the published
calls."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application, Call
from insieme.core import worklist
from insieme.core.listing import search

OFFICE = (Role.OPERATOR, Role.ADMIN)


def find_applications(user: Any, query: str) -> QuerySet:
    applications = Application.objects.visible_to(user).select_related("call")
    if user.has_role(*OFFICE):
        applications = applications.submitted()
    return search(applications, query, ["code", "title"]).order_by("-search_rank", "code", "pk")


def _application_row(application: Application, user: Any) -> worklist.Row:
    if user.has_role(*OFFICE):
        url = reverse("calls:review", args=[application.pk])
    else:
        url = reverse("calls:application", args=[application.pk])
    return worklist.Row(
        f"{application.code} — {application.title}", url, application.get_status_display()
    )


def find_calls(user: Any, query: str) -> QuerySet:
    calls = Call.objects.all() if user.has_role(*OFFICE) else Call.objects.published()
    return search(calls, query, ["title", "code"]).order_by("-search_rank", "-edition", "pk")


def _call_row(call: Call, user: Any) -> worklist.Row:
    if user.has_role(*OFFICE):
        url = reverse("calls:manage", args=[call.pk])
    else:
        url = reverse("calls:public_detail", args=[call.pk])
    return worklist.Row(f"{call.code} — {call.title}", url, call.get_line_display())


def register() -> None:
    worklist.register_search(
        worklist.Source(
            key="applications",
            label=_("Applications"),
            find=find_applications,
            row=_application_row,
            applies=lambda user: user.has_role(*OFFICE, Role.APPLICANT),
            order=30,
        )
    )
    worklist.register_search(
        worklist.Source(
            key="calls",
            label=_("Calls"),
            find=find_calls,
            row=_call_row,
            applies=lambda user: user.is_authenticated,
            order=40,
        )
    )
