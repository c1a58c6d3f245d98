"""Slots: the times an operator offers for interviews, and the person's booking of one.

A booking creates the interview and takes the slot in one transaction; the slot is taken with a
conditional update (`interview IS NULL`) and a slot names one interview at most (a one-to-one
column), so two people booking the same time at once get one interview between them: the
second is told the time has just been taken, and nothing of theirs is written.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core import rules
from insieme.core.audit import service
from insieme.core.events import emit
from insieme.employment import appointments
from insieme.employment.models import (
    Interview,
    InterviewKind,
    InterviewStatus,
    RegistrationStatus,
    Slot,
)
from insieme.employment.services import _move, with_code
from insieme.people.models import Person

SLOT_PUBLISHED = "slot.published"


@dataclass(frozen=True)
class Booking:
    interview: Interview
    emailed: bool  # an e-mail with the .ics was queued to the person


def slot_payload(slot: Slot) -> dict[str, Any]:
    return {
        "slot": {
            "id": slot.pk,
            "operator": slot.operator_id,
            "date": slot.date.isoformat(),
            "time": slot.time.strftime("%H:%M"),
            "duration_minutes": slot.duration_minutes,
        }
    }


@service
def publish_slot(
    *,
    operator: Any,
    date: datetime.date,
    time: datetime.time,
    duration_minutes: int,
    place: str,
    video_url: str = "",
    by: Any,
) -> Slot:
    """Offer a free time for an interview; persons with an account can book it."""
    rules.require(by, "slot.publish")
    appointments.check_when_and_where(
        date=date, time=time, duration_minutes=duration_minutes, place=place, video_url=video_url
    )
    try:
        with transaction.atomic():
            slot = Slot.objects.create(
                operator=operator,
                date=date,
                time=time,
                duration_minutes=duration_minutes,
                place=place,
                video_url=video_url,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "time": ValidationError(
                    _("%(operator)s already offers a time on %(date)s at %(time)s."),
                    code="slot_exists",
                    params={
                        "operator": operator,
                        "date": date.strftime("%d/%m/%Y"),
                        "time": time.strftime("%H:%M"),
                    },
                )
            }
        ) from None
    emit(SLOT_PUBLISHED, slot_payload(slot), obj=slot)
    return slot


@service
def withdraw_slot(*, slot: Slot, by: Any) -> None:
    rules.require(by, "slot.withdraw", slot)
    slot.delete()


def own_person(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(account=user).first()


@service
def book_slot(*, slot: Slot, by: Any) -> Booking:
    """The person linked to `by` books `slot`: an interview with the slot's operator, at its
    time and place (their first interview while they wait for it)."""
    person = own_person(by)
    if person is None:
        raise ValidationError(
            _(
                "Your account is not linked to a record of the programme yet: ask the office to "
                "link it, then book."
            ),
            code="no_person",
        )
    rules.require(by, "slot.book", slot)
    today = timezone.localdate()
    if Interview.objects.filter(
        person=person, status=InterviewStatus.BOOKED, slot__isnull=False, date__gte=today
    ).exists():
        raise ValidationError(
            _("You already have an appointment booked: cancel it first if you want another time."),
            code="already_booked",
        )
    registration = person.registrations.open().order_by("-registered_on").first()
    first = (
        registration is not None
        and registration.status in (RegistrationStatus.WAITING, RegistrationStatus.CONTACTED)
        and not registration.interviews.filter(
            kind=InterviewKind.FIRST, status__in=[InterviewStatus.BOOKED, InterviewStatus.HELD]
        ).exists()
    )
    interview = with_code(
        rules.create(
            Interview,
            by=by,
            code=f"tmp-{uuid.uuid4().hex}",
            person=person,
            kind=InterviewKind.FIRST if first else InterviewKind.ORIENTATION,
            date=slot.date,
            time=slot.time,
            duration_minutes=slot.duration_minutes,
            place=slot.place,
            video_url=slot.video_url,
            operator=slot.operator,
            registration=registration,
        )
    )
    # Taken only if still free: of two bookings at once, one updates the row, the other none.
    if not Slot.objects.filter(pk=slot.pk, interview__isnull=True).update(interview=interview):
        raise ValidationError(
            _("This time has just been booked by someone else: choose another one."),
            code="slot_taken",
        )
    if first and registration is not None:
        _move(
            registration,
            "registration.book_own_first_interview",
            by=by,
            first_contact_on=registration.first_contact_on or today,
            assigned_to=registration.assigned_to or slot.operator,
        )
    emailed = appointments.interview_changed(
        interview, appointments.SCHEDULED, slot=slot.pk, by_the_person=True
    )
    return Booking(interview=interview, emailed=emailed)
