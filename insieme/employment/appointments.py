"""Appointments: what an interview (and a coaching session, projects app) tells the person and
the apps above when it is scheduled, moved, cancelled or about to start.

Each change records an event (`interview.scheduled`, `interview.rescheduled`,
`interview.cancelled`, `interview.reminder_sent`; no personal data in the payload) and queues an
e-mail to the person with the appointment's `.ics` (core/calendar.py). `notify()` answers whether
an e-mail was queued, so that a page never says one was sent when the person has no address.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insieme.core import calendar
from insieme.core.events import emit
from insieme.core.tasks import send_email
from insieme.employment.models import MAX_DURATION, MIN_DURATION, Interview, starts_at

SCHEDULED, RESCHEDULED, CANCELLED, REMINDER = "scheduled", "rescheduled", "cancelled", "reminder"
INTERVIEW_EVENTS = {
    SCHEDULED: "interview.scheduled",
    RESCHEDULED: "interview.rescheduled",
    CANCELLED: "interview.cancelled",
    REMINDER: "interview.reminder_sent",
}
SUBJECTS = {
    SCHEDULED: _("[Insieme] Your appointment"),
    RESCHEDULED: _("[Insieme] Your appointment has been moved"),
    CANCELLED: _("[Insieme] Your appointment has been cancelled"),
    REMINDER: _("[Insieme] Reminder: your appointment tomorrow"),
}


def check_when_and_where(
    *,
    date: datetime.date,
    time: datetime.time | None,
    duration_minutes: int | None,
    place: str,
    video_url: str,
    now: datetime.datetime | None = None,
    strict: bool = True,
) -> None:
    """An appointment ahead: a date and time from now on, a duration between 15 minutes and 8
    hours, a place or a video link (a web address). Every problem at once, by field.

    Not `strict` (an interview booked by the office or the API, as before appointments had a
    time): the time may be missing and the date is the form's to check."""
    errors: dict[str, ValidationError] = {}
    if strict and time is None:
        errors["time"] = ValidationError(_("Write the time of the appointment."), code="no_time")
    elif strict and starts_at(date, time) <= (now or timezone.now()):  # type: ignore[operator]
        errors["date"] = ValidationError(
            _("The appointment must start later than now: choose a later date or time."),
            code="appointment_in_past",
        )
    if duration_minutes is None or not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = ValidationError(
            _("An appointment lasts from %(min)d to %(max)d minutes."),
            code="duration_range",
            params={"min": MIN_DURATION, "max": MAX_DURATION},
        )
    if video_url:
        try:
            URLValidator(schemes=["https", "http"])(video_url)
        except ValidationError:
            errors["video_url"] = ValidationError(
                _("The video link must be a web address starting with https://."),
                code="bad_video_url",
            )
    if not place.strip() and not video_url:
        errors["place"] = ValidationError(
            _("Write where the appointment is, or give the video link."), code="no_place"
        )
    if errors:
        raise ValidationError(errors)


def interview_payload(interview: Interview, **extra: Any) -> dict[str, Any]:
    start = interview.starts_at
    return {
        "interview": {
            "id": interview.pk,
            "code": interview.code,
            "person": interview.person_id,
            "operator": interview.operator_id,
            "kind": interview.kind,
            "status": interview.status,
            "date": interview.date.isoformat(),
            "time": interview.time.strftime("%H:%M") if interview.time else None,
            "starts_at": start.isoformat() if start else None,
            "duration_minutes": interview.duration_minutes,
            "online": bool(interview.video_url),
            "sequence": interview.sequence,
            **extra,
        }
    }


@dataclass(frozen=True)
class Details:
    """What an appointment e-mail and its `.ics` say, for an interview or a coaching session."""

    uid: str
    kind: str  # "colloquio di orientamento", "sessione di coaching"
    date: datetime.date
    start: datetime.datetime | None
    minutes: int
    place: str
    video_url: str
    with_whom: str  # the operator's or coach's name
    sequence: int
    cancel_reason: str = ""
    staff_email: str = ""

    @property
    def end(self) -> datetime.datetime | None:
        return self.start + datetime.timedelta(minutes=self.minutes) if self.start else None

    def appointment(self, *, summary: str, url: str, cancelled: bool) -> calendar.Appointment:
        assert self.start is not None
        assert self.end is not None
        return calendar.Appointment(
            uid=self.uid,
            start=self.start,
            end=self.end,
            summary=summary,
            location=self.place or self.video_url,
            url=url,
            sequence=self.sequence,
            cancelled=cancelled,
            organizer=self.staff_email,
        )


def interview_details(interview: Interview) -> Details:
    operator = interview.operator
    return Details(
        uid=calendar.uid("colloquio", interview.pk),
        kind=gettext("Interview: %(kind)s") % {"kind": interview.get_kind_display().lower()},
        date=interview.date,
        start=interview.starts_at,
        minutes=interview.duration_minutes,
        place=interview.place,
        video_url=interview.video_url,
        with_whom=operator.get_full_name() if operator else "",
        sequence=interview.sequence,
        cancel_reason=interview.cancel_reason,
        staff_email=operator.email if operator else "",
    )


def staff_summary(details: Details, name: str) -> str:
    """The title in a staff member's calendar: the kind and the person's name, nothing more."""
    return f"{details.kind} — {name}"


def notify(details: Details, what: str, *, to: str, url: str) -> bool:
    """Queue the person's e-mail (after the commit) with the `.ics`; whether one was queued."""
    if not to:
        return False
    subject = str(SUBJECTS[what])
    body = render_to_string(
        "employment/email/appointment.txt",
        {"details": details, "what": what, "url": url, "site_url": settings.SITE_URL},
    )
    attachments = []
    if details.start is not None:
        summary = f"{details.kind} — Insieme per il lavoro"
        ics = details.appointment(summary=summary, url=url, cancelled=what == CANCELLED)
        attachments.append(calendar.attachment(ics, cancelled=what == CANCELLED))
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=[to], attachments=attachments)
    )
    return True


def portal_url() -> str:
    return settings.SITE_URL + reverse("employment:my_appointments")


def interview_changed(interview: Interview, what: str, **extra: Any) -> bool:
    """Record the event of `what` happened to `interview` and e-mail the person; whether an
    e-mail was queued."""
    emit(INTERVIEW_EVENTS[what], interview_payload(interview, **extra), obj=interview)
    person = interview.person
    return notify(interview_details(interview), what, to=person.email, url=portal_url())
