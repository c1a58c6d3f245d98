"""A staff member's week (interviews, coaching sessions, free times) and their calendar feed.

Interviews live in employment and sessions here; projects sits above employment, so the week
and the feed that show both are here. Each page reads a fixed number of queries, whatever the
number of appointments.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import calendar
from insieme.employment.appointments import interview_details, staff_summary
from insieme.employment.models import Interview, InterviewStatus, Slot
from insieme.projects.models import CalendarFeed, CoachingSession, SessionStatus
from insieme.projects.sessions import regenerate_feed, session_details

STAFF = (Role.OPERATOR, Role.COACH)
# The feed: a month back (what was just done) and half a year ahead.
FEED_PAST, FEED_AHEAD = datetime.timedelta(days=31), datetime.timedelta(days=183)


def _monday(request) -> datetime.date:
    raw = request.GET.get("settimana", "")
    try:
        day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def _interviews(user, first: datetime.date, last: datetime.date):
    return Interview.objects.filter(operator=user, date__range=(first, last)).select_related(
        "person", "operator"
    )


def _sessions(user, first: datetime.date, last: datetime.date):
    return CoachingSession.objects.filter(coach=user, date__range=(first, last)).select_related(
        "project__application", "coach"
    )


def _sort_key(row: dict) -> tuple:
    return (row["time"] is None, row["time"] or datetime.time(0), row["kind"])


@role_required(*STAFF)
@require_GET
def week(request):
    monday = _monday(request)
    sunday = monday + datetime.timedelta(days=6)
    days: dict[datetime.date, list[dict]] = {
        monday + datetime.timedelta(days=n): [] for n in range(7)
    }
    for interview in _interviews(request.user, monday, sunday):
        days[interview.date].append(
            {
                "kind": "interview",
                "time": interview.time,
                "minutes": interview.duration_minutes,
                "title": interview.get_kind_display(),
                "who": interview.person,
                "url": reverse("employment:person", args=[interview.person_id]),
                "where": interview.place or interview.video_url,
                "status": interview.get_status_display(),
                "cancelled": interview.status == InterviewStatus.CANCELLED,
            }
        )
    for session in _sessions(request.user, monday, sunday):
        days[session.date].append(
            {
                "kind": "session",
                "time": session.time,
                "minutes": session.minutes,
                "title": _("Coaching session"),
                "who": session.project.application.title,
                "url": reverse("projects:detail", args=[session.project_id]),
                "where": session.place or session.video_url,
                "status": session.get_status_display(),
                "cancelled": session.status == SessionStatus.CANCELLED,
            }
        )
    for slot in Slot.objects.free().filter(operator=request.user, date__range=(monday, sunday)):
        days[slot.date].append(
            {
                "kind": "slot",
                "time": slot.time,
                "minutes": slot.duration_minutes,
                "title": _("Free time offered"),
                "who": "",
                "url": reverse("employment:slots"),
                "where": slot.place or slot.video_url,
                "status": _("free"),
                "cancelled": False,
            }
        )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "projects/calendar_week.html",
        {
            "monday": monday,
            "sunday": sunday,
            "days": [(day, sorted(rows, key=_sort_key)) for day, rows in days.items()],
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "today": timezone.localdate(),
            "feed_url": _feed_url(feed) if feed else "",
            "is_operator": request.user.has_role(Role.OPERATOR),
        },
    )


def _feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("calendar:feed", args=[feed.token])


@role_required(*STAFF)
@require_POST
def feed_token(request):
    regenerate_feed(by=request.user)
    messages.success(
        request,
        _(
            "New calendar address ready: add it to your calendar app. The previous one no longer works."
        ),
    )
    return redirect("calendar:week")


@require_GET
def feed(request, token: str):
    """The `.ics` of a staff member's appointments; the token is the only key, so nothing in it
    goes beyond what their own calendar needs (no codice fiscale, no notes)."""
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active or not found.user.has_role(*STAFF):
        raise Http404
    user = found.user
    today = timezone.localdate()
    first, last = today - FEED_PAST, today + FEED_AHEAD
    items = []
    for interview in _interviews(user, first, last).exclude(time__isnull=True):
        details = interview_details(interview)
        items.append(
            details.appointment(
                summary=staff_summary(
                    details, f"{interview.person.first_name} {interview.person.last_name}"
                ),
                url=settings.SITE_URL + reverse("employment:person", args=[interview.person_id]),
                cancelled=interview.status == InterviewStatus.CANCELLED,
            )
        )
    for session in _sessions(user, first, last).exclude(time__isnull=True):
        details = session_details(session)
        items.append(
            details.appointment(
                summary=staff_summary(details, session.project.application.title),
                url=settings.SITE_URL + reverse("projects:detail", args=[session.project_id]),
                cancelled=session.status == SessionStatus.CANCELLED,
            )
        )
    body = calendar.to_ics(items, name=str(_("Insieme: my appointments")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
