"""Appointments of the employment services: moving and cancelling an interview, the office's
free times and the person's booking, with their e-mails (.ics) and events."""

import datetime
from html import unescape

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from conftest import make_user
from insieme.accounts.models import Role
from insieme.core.models import Event
from insieme.employment import services, slots
from insieme.employment.models import (
    Interview,
    InterviewKind,
    InterviewStatus,
    RegistrationStatus,
    Slot,
)
from insieme.employment.tests import factories

NOW = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Bologna
NEXT_WEEK = datetime.date(2026, 3, 27)


@pytest.fixture
def fixed_clock():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def person_with_account(db, applicant):
    person = factories.person("Gialli", "Anna", email="anna.gialli@example.org")
    person.account = applicant
    person.save()
    factories.registration(person, status=RegistrationStatus.WAITING)
    return person


def _booked(person, operator, **extra) -> Interview:
    return services.book_interview(
        person=person,
        kind=extra.pop("kind", InterviewKind.ORIENTATION),
        date=extra.pop("date", NEXT_WEEK),
        time=extra.pop("time", datetime.time(10, 30)),
        place=extra.pop("place", "Via Capramozza 13, Bologna"),
        operator=operator,
        by=operator,
        **extra,
    )


def _ics(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "appuntamento.ics"
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


def _names() -> list[str]:
    return list(Event.objects.order_by("pk").values_list("name", flat=True))


def test_booking_mails_the_ics_and_records_the_event(
    fixed_clock, operator, person_with_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = _booked(person_with_account, operator, duration_minutes=45)
    assert _names()[-1] == "interview.scheduled"
    message = mail.outbox[-1]
    assert message.to == ["anna.gialli@example.org"]
    assert "venerdì 27 marzo 2026, alle 10:30" in message.body
    assert "45 minuti" in message.body
    calendar = _ics(message)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime.datetime(2026, 3, 27, 9, 30, tzinfo=datetime.UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert str(event["LOCATION"]) == "Via Capramozza 13, Bologna"
    assert person_with_account.fiscal_code not in message.attachments[0][1]
    assert interview.duration_minutes == 45


def test_rescheduling_moves_the_interview_and_tells_the_person(
    fixed_clock, operator, person_with_account, django_capture_on_commit_callbacks
):
    interview = _booked(person_with_account, operator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        emailed = services.reschedule_interview(
            interview=interview,
            date=datetime.date(2026, 3, 30),
            time=datetime.time(15, 0),
            duration_minutes=30,
            place="",
            video_url="https://meet.example.org/colloquio",
            by=operator,
        )
    assert emailed is True
    interview.refresh_from_db()
    assert (interview.date, interview.time, interview.status) == (
        datetime.date(2026, 3, 30),
        datetime.time(15, 0),
        InterviewStatus.BOOKED,
    )
    assert interview.sequence == 1
    assert _names()[-1] == "interview.rescheduled"
    message = mail.outbox[-1]
    assert "spostato" in message.body
    assert "https://meet.example.org/colloquio" in message.body
    event = _ics(message).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert LogEntry.objects.get_for_object(interview).filter(actor=operator).exists()


def test_rescheduling_refuses_bad_input_in_italian_and_writes_nothing(
    fixed_clock, operator, person_with_account
):
    interview = _booked(person_with_account, operator)
    with pytest.raises(ValidationError) as caught:
        services.reschedule_interview(
            interview=interview,
            date=datetime.date(2026, 3, 19),
            time=datetime.time(9, 0),
            duration_minutes=600,
            place="",
            video_url="non è un indirizzo",
            by=operator,
        )
    errors = caught.value.message_dict
    assert errors["date"] == [
        "L'appuntamento deve iniziare più tardi di adesso: scegli una data o un'ora successive."
    ]
    assert errors["duration_minutes"] == ["Un appuntamento dura da 15 a 480 minuti."]
    assert "https://" in errors["video_url"][0]
    interview.refresh_from_db()
    assert interview.date == NEXT_WEEK
    assert interview.sequence == 0


def test_a_cancelled_interview_cannot_be_moved(fixed_clock, operator, person_with_account):
    interview = _booked(person_with_account, operator)
    services.cancel_interview(interview=interview, reason="Operatrice malata", by=operator)
    with pytest.raises(ValidationError) as caught:
        services.reschedule_interview(
            interview=interview,
            date=NEXT_WEEK,
            time=datetime.time(11, 0),
            duration_minutes=30,
            place="Sede",
            by=operator,
        )
    assert "non è possibile nello stato attuale (Annullato)" in caught.value.messages[0]


def test_cancelling_tells_the_person_with_a_cancel_ics_and_frees_the_first_interview(
    fixed_clock, operator, person_with_account, django_capture_on_commit_callbacks
):
    interview = _booked(person_with_account, operator, kind=InterviewKind.FIRST)
    registration = interview.registration
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.BOOKED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_interview(interview=interview, reason="Sede chiusa", by=operator)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED
    assert interview.cancel_reason == "Sede chiusa"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONTACTED
    assert "interview.cancelled" in _names()
    (message,) = [m for m in mail.outbox if m.attachments]  # the notices' own e-mails have none
    assert "annullato" in message.body
    assert "Sede chiusa" in message.body
    calendar = _ics(message)
    assert calendar["METHOD"] == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_no_email_is_claimed_for_a_person_without_an_address(
    fixed_clock, client_as, operator, django_capture_on_commit_callbacks
):
    person = factories.person("Senzamail", "Sara", email="")
    factories.registration(person)
    interview = _booked(person, operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(operator).post(
            reverse("employment:interview_cancel", args=[interview.pk]),
            {"reason": "Rinviato"},
            follow=True,
        )
    html = unescape(response.content.decode())
    assert "Nessuna e-mail inviata" in html
    assert "riceve un'e-mail" not in html
    assert mail.outbox == []


def test_the_cancel_form_asks_for_a_reason_in_italian(fixed_clock, client_as, operator):
    person = factories.person("Motivi", "Mara")
    factories.registration(person)
    interview = _booked(person, operator)
    response = client_as(operator).post(
        reverse("employment:interview_cancel", args=[interview.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert "Questo campo è obbligatorio" in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED


# Slots


def _slot(operator, **extra) -> Slot:
    return slots.publish_slot(
        operator=operator,
        date=extra.pop("date", NEXT_WEEK),
        time=extra.pop("time", datetime.time(9, 30)),
        duration_minutes=extra.pop("duration_minutes", 45),
        place=extra.pop("place", "Sportello di via Capramozza"),
        by=operator,
        **extra,
    )


def test_an_operator_cannot_offer_the_same_time_twice(fixed_clock, operator):
    _slot(operator)
    with pytest.raises(ValidationError) as caught:
        _slot(operator)
    assert "offre già un orario il 27/03/2026 alle 09:30" in caught.value.messages[0]
    assert Slot.objects.count() == 1


def test_the_person_books_a_slot_and_gets_the_ics(
    fixed_clock, operator, applicant, person_with_account, django_capture_on_commit_callbacks
):
    slot = _slot(operator)
    with django_capture_on_commit_callbacks(execute=True):
        booking = slots.book_slot(slot=slot, by=applicant)
    assert booking.emailed
    interview = booking.interview
    assert interview.kind == InterviewKind.FIRST
    assert (interview.date, interview.time, interview.duration_minutes, interview.operator) == (
        NEXT_WEEK,
        datetime.time(9, 30),
        45,
        operator,
    )
    slot.refresh_from_db()
    assert slot.interview == interview
    registration = interview.registration
    assert registration.status == RegistrationStatus.BOOKED
    (invitation,) = [m for m in mail.outbox if m.to == [person_with_account.email]]
    assert _ics(invitation)["METHOD"] == "REQUEST"
    event = Event.objects.filter(name="interview.scheduled").last()
    assert event.payload["interview"]["slot"] == slot.pk
    assert "fiscal" not in str(event.payload)


def test_a_slot_is_booked_once_and_the_second_person_is_told(
    fixed_clock, operator, applicant, person_with_account
):
    slot = _slot(operator)
    slots.book_slot(slot=slot, by=applicant)
    other = make_user("altra@example.org", Role.APPLICANT)
    person = factories.person("Altri", "Alba")
    person.account = other
    person.save()
    stale = Slot.objects.get(pk=slot.pk)
    stale.interview_id = None  # as a page loaded before the first booking saw it
    with pytest.raises(ValidationError) as caught:
        slots.book_slot(slot=stale, by=other)
    assert caught.value.messages == [
        "Questo orario è appena stato prenotato da un'altra persona: scegline un altro."
    ]
    assert Interview.objects.filter(person=person).count() == 0
    assert Interview.objects.count() == 1


def test_one_booked_slot_at_a_time(fixed_clock, operator, applicant, person_with_account):
    slots.book_slot(slot=_slot(operator), by=applicant)
    with pytest.raises(ValidationError) as caught:
        slots.book_slot(slot=_slot(operator, time=datetime.time(11, 0)), by=applicant)
    assert "Hai già un appuntamento prenotato" in caught.value.messages[0]


def test_an_account_without_a_record_cannot_book(fixed_clock, operator, applicant):
    with pytest.raises(ValidationError) as caught:
        slots.book_slot(slot=_slot(operator), by=applicant)
    assert "non è ancora collegato" in caught.value.messages[0]


def test_the_person_cancels_their_own_appointment_and_the_slot_is_free_again(
    fixed_clock, operator, applicant, person_with_account, django_capture_on_commit_callbacks
):
    slot = _slot(operator)
    interview = slots.book_slot(slot=slot, by=applicant).interview
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_interview(interview=interview, reason="Ho un altro impegno", by=applicant)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED
    slot.refresh_from_db()
    assert slot.is_free
    assert interview.registration.status == RegistrationStatus.CONTACTED
    event = Event.objects.filter(name="interview.cancelled").last()
    assert event.payload["interview"]["by_the_person"] is True


def test_someone_else_cannot_cancel_the_persons_appointment(
    fixed_clock, operator, applicant, person_with_account
):
    interview = slots.book_slot(slot=_slot(operator), by=applicant).interview
    other = make_user("curiosa@example.org", Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        services.cancel_interview(interview=interview, reason="", by=other)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED


def test_an_appointment_that_started_cannot_be_cancelled_by_the_person(
    operator, applicant, person_with_account
):
    with time_machine.travel(NOW):
        interview = slots.book_slot(slot=_slot(operator), by=applicant).interview
    with (
        time_machine.travel(datetime.datetime(2026, 3, 27, 9, 0, tzinfo=datetime.UTC)),
        pytest.raises(ValidationError) as caught,
    ):
        services.cancel_interview(interview=interview, reason="", by=applicant)
    assert "è già iniziato" in caught.value.messages[0]


def test_the_portal_lists_free_times_and_books_one(
    fixed_clock, client_as, operator, applicant, person_with_account
):
    slot = _slot(operator)
    client = client_as(applicant)
    page = client.get(reverse("employment:my_appointments"))
    html = page.content.decode()
    assert "Venerdì 27 marzo" in html
    assert "09:30" in html
    response = client.post(reverse("employment:book_slot", args=[slot.pk]), follow=True)
    html = unescape(response.content.decode())
    assert "Appuntamento prenotato per il 27/03/2026 alle 09:30" in html
    assert "Ti abbiamo inviato un'e-mail con il file per il calendario" in html
    assert "Annulla l'appuntamento" in html


def test_the_office_lists_and_offers_its_times(fixed_clock, client_as, operator):
    client = client_as(operator)
    response = client.post(
        reverse("employment:slots"),
        {
            "slot-date": "2026-03-27",
            "slot-time": "14:00",
            "slot-duration_minutes": "30",
            "slot-place": "",
            "slot-video_url": "",
        },
    )
    assert response.status_code == 200
    assert "Scrivi dove si tiene l'appuntamento" in unescape(response.content.decode())
    response = client.post(
        reverse("employment:slots"),
        {
            "slot-date": "2026-03-27",
            "slot-time": "14:00",
            "slot-duration_minutes": "30",
            "slot-place": "Sede",
        },
        follow=True,
    )
    assert "Orario offerto: 27/03/2026 alle 14:00" in response.content.decode()
    slot = Slot.objects.get()
    client.post(reverse("employment:slot_withdraw", args=[slot.pk]))
    assert not Slot.objects.exists()
