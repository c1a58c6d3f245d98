"""What waits for the office on the calls (`insieme.core.worklist`): applications to screen,
replies to requests for information, calls closing soon. Each entry links to the list of calls
filtered the same way (`calls:manage_list?filtro=...`), with the count per call."""

import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application, ApplicationStatus, Call, InformationRequest
from insieme.core import worklist

TO_SCREEN = "da_istruire"
ANSWERED = "risposte"
CLOSING = "in_chiusura"
CLOSING_DAYS = 14
ANSWERED_DAYS = 14
AWAITING_DECISION = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_EVALUATION)


def to_screen(user: Any, today: datetime.date) -> QuerySet:
    return (
        Application.objects.visible_to(user)
        .filter(status=ApplicationStatus.SUBMITTED)
        .select_related("call")
        .order_by("submitted_at", "pk")
    )


def answered(user: Any, today: datetime.date) -> QuerySet:
    """Replies of the last two weeks to the office's requests for information, on applications
    still waiting for a decision."""
    since = timezone.now() - datetime.timedelta(days=ANSWERED_DAYS)
    return (
        InformationRequest.objects.filter(
            replied_at__gte=since,
            application__in=Application.objects.visible_to(user).filter(
                status__in=AWAITING_DECISION
            ),
        )
        .select_related("application__call")
        .order_by("-replied_at", "-pk")
    )


def closing(user: Any, today: datetime.date) -> QuerySet:
    now = timezone.now()
    return (
        Call.objects.published()
        .filter(closes_at__gte=now, closes_at__lte=now + datetime.timedelta(days=CLOSING_DAYS))
        .order_by("closes_at", "pk")
    )


def _per_call(rows: QuerySet, call_path: str) -> Coalesce:
    counted = (
        rows.order_by()
        .filter(**{call_path: OuterRef("pk")})
        .values(call_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def filtered_calls(calls: QuerySet, focus: str, user: Any) -> QuerySet | None:
    """The calls of the manage list for the worklist filter `focus`, those with rows annotated
    with ``focus_count`` (the rows the entry counts, per call); None for an unknown filter."""
    today = timezone.localdate()
    if focus == TO_SCREEN:
        count = _per_call(to_screen(user, today), "call")
    elif focus == ANSWERED:
        count = _per_call(answered(user, today), "application__call")
    elif focus == CLOSING:
        return calls.filter(pk__in=closing(user, today).values("pk"))
    else:
        return None
    return calls.annotate(focus_count=count).filter(focus_count__gt=0)


def _application_row(application: Application, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        f"{application.code} — {application.title}",
        reverse("calls:review", args=[application.pk]),
        application.call.code,
    )


def _request_row(request: InformationRequest, today: datetime.date) -> worklist.Row:
    application = request.application
    return worklist.Row(
        f"{application.code} — {application.title}",
        reverse("calls:review", args=[application.pk]),
        date_format(timezone.localtime(request.replied_at), "SHORT_DATE_FORMAT"),
    )


def _call_row(call: Call, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        f"{call.code} — {call.title}",
        reverse("calls:manage", args=[call.pk]),
        date_format(timezone.localtime(call.closes_at), "SHORT_DATETIME_FORMAT"),
    )


def _list(focus: str):
    return lambda user, today: reverse("calls:manage_list") + f"?filtro={focus}"


def register() -> None:
    worklist.register(
        worklist.Entry(
            key="calls.to_screen",
            role=Role.OPERATOR,
            label=_("Applications to screen"),
            items=to_screen,
            url=_list(TO_SCREEN),
            row=_application_row,
            order=60,
        )
    )
    worklist.register(
        worklist.Entry(
            key="calls.answered",
            role=Role.OPERATOR,
            label=_("Requests for information answered in the last 14 days"),
            items=answered,
            url=_list(ANSWERED),
            row=_request_row,
            order=70,
        )
    )
    worklist.register(
        worklist.Entry(
            key="calls.closing",
            role=Role.OPERATOR,
            label=_("Calls closing in the next 14 days"),
            items=closing,
            url=_list(CLOSING),
            row=_call_row,
            order=80,
        )
    )
