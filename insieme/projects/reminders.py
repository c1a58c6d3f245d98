"""Reminders 24 hours before an appointment: interviews booked and coaching sessions planned.

`emit_due_appointment_reminders(now)` finds the appointments that start within the next 24
hours and have had no reminder, marks each one (`reminded_at`, taken with a conditional update,
so two runs at once remind once) and records its event and e-mail in the same transaction. Run
every few minutes by cron (`manage.py send_appointment_reminders`) or by the worker (the task
below). Moving an appointment clears its `reminded_at`: the new time gets its own reminder.
"""

import datetime

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from insieme.employment.appointments import REMINDER, interview_changed
from insieme.employment.models import Interview, InterviewStatus
from insieme.projects.models import CoachingSession, SessionStatus
from insieme.projects.sessions import session_changed

AHEAD = datetime.timedelta(hours=24)


def _due(queryset, now: datetime.datetime):
    days = (timezone.localdate(now), timezone.localdate(now + AHEAD))
    candidates = queryset.filter(
        reminded_at__isnull=True, time__isnull=False, date__range=days
    ).order_by("date", "time", "pk")
    return [item for item in candidates if now < item.starts_at <= now + AHEAD]


def emit_due_appointment_reminders(now: datetime.datetime | None = None) -> int:
    """Remind every appointment starting within 24 hours of `now`, once; how many."""
    now = now or timezone.now()
    sent = 0
    interviews = Interview.objects.filter(status=InterviewStatus.BOOKED).select_related(
        "person", "operator"
    )
    for interview in _due(interviews, now):
        with transaction.atomic():
            claimed = Interview.objects.filter(pk=interview.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if claimed:
                interview_changed(interview, REMINDER)
                sent += 1
    sessions = CoachingSession.objects.filter(status=SessionStatus.PLANNED).select_related(
        "coach", "project__application__owner", "project__application__applicant_person"
    )
    for session in _due(sessions, now):
        with transaction.atomic():
            claimed = CoachingSession.objects.filter(
                pk=session.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                session_changed(session, REMINDER)
                sent += 1
    return sent


@task()
def send_appointment_reminders() -> int:
    """The worker's run of the reminders (enqueue it from a scheduler, or use the command)."""
    return emit_due_appointment_reminders()
