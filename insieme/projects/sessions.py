"""Coaching sessions as appointments: planned with a date, time, duration and place or video
link, moved, cancelled with a reason, and held (only held sessions count in the hours).

Like the interviews (employment/appointments.py), each change records an event
(`session.scheduled`, `session.rescheduled`, `session.cancelled`, `session.reminder_sent`) and
e-mails the project's contact with the `.ics`; services answer whether an e-mail was queued.
"""

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insieme.calls.services import contact_email
from insieme.core import calendar, rules
from insieme.core.audit import log_event, service
from insieme.core.events import emit
from insieme.employment import appointments
from insieme.employment.appointments import CANCELLED, RESCHEDULED, SCHEDULED, Details
from insieme.projects.models import CalendarFeed, CoachingSession, Project

SESSION_EVENTS = {
    SCHEDULED: "session.scheduled",
    RESCHEDULED: "session.rescheduled",
    CANCELLED: "session.cancelled",
    appointments.REMINDER: "session.reminder_sent",
}


def session_payload(session: CoachingSession, **extra: Any) -> dict[str, Any]:
    start = session.starts_at
    return {
        "session": {
            "id": session.pk,
            "project": session.project_id,
            "coach": session.coach_id,
            "status": session.status,
            "date": session.date.isoformat(),
            "time": session.time.strftime("%H:%M") if session.time else None,
            "starts_at": start.isoformat() if start else None,
            "duration_minutes": session.minutes,
            "online": bool(session.video_url),
            "sequence": session.sequence,
            **extra,
        }
    }


def session_details(session: CoachingSession) -> Details:
    return Details(
        uid=calendar.uid("sessione", session.pk),
        kind=gettext("coaching session"),
        date=session.date,
        start=session.starts_at,
        minutes=session.minutes,
        place=session.place,
        video_url=session.video_url,
        with_whom=session.coach.get_full_name(),
        sequence=session.sequence,
        cancel_reason=session.cancel_reason,
        staff_email=session.coach.email,
    )


def session_changed(session: CoachingSession, what: str) -> bool:
    emit(SESSION_EVENTS[what], session_payload(session), obj=session)
    to = contact_email(session.project.application) or ""
    url = settings.SITE_URL + reverse("calls:my_applications")
    return appointments.notify(session_details(session), what, to=to, url=url)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


@service
def plan_session(
    *,
    project: Project,
    coach: Any,
    date: datetime.date,
    time: datetime.time,
    duration_minutes: int,
    place: str,
    video_url: str = "",
    topics: str,
    by: Any,
) -> tuple[CoachingSession, bool]:
    """Plan a coaching session ahead; the project's contact is told (with the `.ics`)."""
    rules.require(by, "project.plan_session", project)
    if not project.coaches.filter(pk=coach.pk).exists():
        raise ValidationError(
            _("%(coach)s does not accompany this project."),
            code="not_project_coach",
            params={"coach": coach},
        )
    appointments.check_when_and_where(
        date=date, time=time, duration_minutes=duration_minutes, place=place, video_url=video_url
    )
    session = rules.create(
        CoachingSession,
        by=by,
        project=project,
        coach=coach,
        date=date,
        time=time,
        duration_minutes=duration_minutes,
        hours=_hours(duration_minutes),
        place=place,
        video_url=video_url,
        topics=topics,
    )
    return session, session_changed(session, SCHEDULED)  # type: ignore[arg-type]


@service
def reschedule_session(
    *,
    session: CoachingSession,
    date: datetime.date,
    time: datetime.time,
    duration_minutes: int,
    place: str,
    video_url: str = "",
    by: Any,
) -> bool:
    rules.require(by, "session.reschedule", session)
    appointments.check_when_and_where(
        date=date, time=time, duration_minutes=duration_minutes, place=place, video_url=video_url
    )
    rules.transition(
        session,
        "session.reschedule",
        by=by,
        date=date,
        time=time,
        duration_minutes=duration_minutes,
        hours=_hours(duration_minutes),
        place=place,
        video_url=video_url,
        sequence=session.sequence + 1,
        reminded_at=None,
    )
    return session_changed(session, RESCHEDULED)


@service
def cancel_session(*, session: CoachingSession, reason: str, by: Any) -> bool:
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Say why the session is cancelled."), code="no_reason")}
        )
    rules.transition(
        session,
        "session.cancel",
        by=by,
        cancel_reason=reason.strip()[:200],
        sequence=session.sequence + 1,
    )
    return session_changed(session, CANCELLED)


@service
def hold_session(*, session: CoachingSession, hours: Decimal | None = None, by: Any) -> None:
    """A planned session took place: from now on its hours count."""
    if session.date > timezone.localdate():
        raise ValidationError(
            _("This session is planned for %(date)s: record it on that day or later."),
            code="session_in_future",
            params={"date": session.date.strftime("%d/%m/%Y")},
        )
    changes: dict[str, Any] = {}
    if hours is not None:
        if not 0 < hours <= 24:
            raise ValidationError(
                _("A session lasts more than 0 and at most 24 hours."), code="hours_range"
            )
        changes["hours"] = hours
    rules.transition(session, "session.hold", by=by, **changes)


@service
def regenerate_feed(*, by) -> CalendarFeed:
    """A new secret address for `by`'s calendar; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=by, defaults={"token": secrets.token_urlsafe(32)}
    )
    log_event(by, by=by, event="calendar_feed_regenerated")
    return feed
