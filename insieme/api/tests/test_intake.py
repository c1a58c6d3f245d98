"""The waiting list and the interviews x every role: operators only, as the web pages; the
contact attempt and the booking through the pages' forms (422) and the employment services
(409), with the e-mail the page sends."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.api.tests.support import FORBIDDEN, ROLES
from insieme.employment.models import (
    ContactAttempt,
    Interview,
    InterviewKind,
    InterviewStatus,
    Registration,
    RegistrationStatus,
)
from insieme.employment.tests import factories

# Every test here counts days from today and compares them with what the API answers (days
# waited, "tomorrow" refused, today's interview): on a clock pinned at noon, never across midnight.
pytestmark = pytest.mark.usefixtures("midday")


@pytest.fixture
def waiting(db) -> Registration:
    return factories.registration(
        factories.person("Bianchi", "Carla"),
        on=timezone.localdate() - datetime.timedelta(days=50),
    )


@pytest.fixture
def interview(cast, waiting) -> Interview:
    return Interview.objects.create(
        code="COL-T1",
        person=waiting.person,
        registration=waiting,
        date=timezone.localdate(),
        kind=InterviewKind.ORIENTATION,
        status=InterviewStatus.BOOKED,
        operator=cast["operator"],
        place="Via Capramozza 13",
    )


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _writer(api_as, user):
    return api_as(user, scopes=("read", "write"))


# --- every endpoint x every role ------------------------------------------------------------


def _requests(waiting, interview):
    return [
        ("get", "registrations", None, 200),
        ("get", f"registrations/{waiting.pk}", None, 200),
        (
            "post",
            f"registrations/{waiting.pk}/contact-attempts",
            {"outcome": "nessuna_risposta"},
            201,
        ),
        ("get", "interviews", None, 200),
        ("get", f"interviews/{interview.pk}", None, 200),
        (
            "post",
            f"people/{waiting.person_id}/interviews",
            {"date": _tomorrow(), "time": "10:30", "place": "Sportello Lavoro"},
            201,
        ),
        ("post", f"registrations/{waiting.pk}/close", {"note": "Trasferita a Modena"}, 200),
        ("post", f"interviews/{interview.pk}/missed", {"status": "assente"}, 200),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(8))
def test_each_endpoint_is_the_operators_as_on_the_web_pages(
    index, role, cast, waiting, interview, api_as
):
    method, path, body, status = _requests(waiting, interview)[index]
    api = _writer(api_as, cast[role])
    response = api.get(path) if method == "get" else api.post(path, body)
    # Administrators without the operator role do not work the waiting list on the pages
    # either (role_required(Role.OPERATOR)).
    if role == "operator":
        assert response.status_code == status, response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json() == FORBIDDEN
    done = role == "operator"
    assert ContactAttempt.objects.exists() == (done and index == 2)
    assert Interview.objects.count() == (2 if done and index == 5 else 1)
    closed = Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CLOSED
    assert closed == (done and index == 6)
    missed = Interview.objects.get(pk=interview.pk).status == InterviewStatus.NO_SHOW
    assert missed == (done and index == 7)


def test_a_read_token_cannot_write(cast, waiting, api_as):
    api = api_as(cast["operator"], scopes=("read",))
    response = api.post(f"registrations/{waiting.pk}/contact-attempts", {"outcome": "raggiunta"})
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    booked = api.post(
        f"people/{waiting.person_id}/interviews",
        {"date": _tomorrow(), "time": "10:30", "place": "Sportello"},
    )
    assert booked.status_code == 403
    assert not ContactAttempt.objects.exists()
    assert not Interview.objects.exists()


# --- reading the waiting list and the interviews ---------------------------------------------


def test_the_registrations_and_their_filters(cast, waiting, api_as):
    today = timezone.localdate()
    active = factories.registration(
        factories.person("Neri", "Paolo"), status=RegistrationStatus.ACTIVE, on=today
    )
    recent = factories.registration(
        factories.person("Galli", "Sara"), on=today, assigned_to=cast["operator"]
    )
    api = api_as(cast["operator"])
    body = api.get("registrations").json()
    assert [r["id"] for r in body["results"]] == [waiting.pk, active.pk, recent.pk]
    first = body["results"][0]
    assert first == {
        "id": waiting.pk,
        "person": waiting.person_id,
        "registered_on": waiting.registered_on.isoformat(),
        "status": "in_attesa",
        "assigned_to": None,
        "first_contact_on": None,
        "self_signed_up": False,
        "days_waited": 50,
        "overdue": True,
        "closed_on": None,
        "closing_note": "",
        "contact_attempts": 0,
    }
    # No name, no codice fiscale: the person is an id (GET /people/{id} for operators).
    assert waiting.person.fiscal_code not in str(body)

    def ids(**params):
        return [r["id"] for r in api.get("registrations", **params).json()["results"]]

    assert ids(waiting_list=True) == [waiting.pk, recent.pk]
    assert ids(overdue=True) == [waiting.pk]
    assert ids(mine=True) == [recent.pk]
    assert ids(assigned_to=cast["operator"].pk) == [recent.pk]
    assert ids(status="in_carico") == [active.pk]
    assert ids(registered_from=today.isoformat()) == [active.pk, recent.pk]
    assert ids(registered_to=(today - datetime.timedelta(days=1)).isoformat()) == [waiting.pk]
    bad = api.get("registrations", status="sconosciuto")
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"status": ["Inserisci un valore valido."]}
    assert api.get("registrations/999999").status_code == 404


def test_the_registration_list_keeps_a_constant_number_of_queries(cast, waiting, api_as):
    api = api_as(cast["operator"])
    ContactAttempt.objects.create(
        registration=waiting, date=timezone.localdate(), outcome="nessuna_risposta"
    )
    api.get("me")  # the token's first use notes the time: not part of the count
    with CaptureQueriesContext(connection) as one:
        assert api.get("registrations").json()["results"][0]["contact_attempts"] == 1
    for n in range(4):
        extra = factories.registration(factories.person("Conti", f"Nome{'abcd'[n]}"))
        ContactAttempt.objects.create(
            registration=extra, date=timezone.localdate(), outcome="messaggio"
        )
    with CaptureQueriesContext(connection) as five:
        assert api.get("registrations").json()["count"] == 5
    assert len(five) == len(one)


def test_the_interviews_and_their_filters(cast, waiting, interview, api_as):
    other_operator = make_user("altro.operatore@example.org", Role.OPERATOR)
    held = Interview.objects.create(
        code="COL-T2",
        person=waiting.person,
        date=timezone.localdate() - datetime.timedelta(days=30),
        kind=InterviewKind.FIRST,
        status=InterviewStatus.HELD,
        operator=other_operator,
        summary="Cerca lavoro in cucina",
    )
    api = api_as(cast["operator"])
    body = api.get("interviews").json()
    assert [r["id"] for r in body["results"]] == [interview.pk, held.pk]
    assert body["results"][0] == {
        "id": interview.pk,
        "code": "COL-T1",
        "person": waiting.person_id,
        "registration": waiting.pk,
        "kind": "orientamento",
        "status": "fissato",
        "date": timezone.localdate().isoformat(),
        "time": None,
        "place": "Via Capramozza 13",
        "operator": cast["operator"].pk,
        "summary": "",
    }

    def ids(**params):
        return [r["id"] for r in api.get("interviews", **params).json()["results"]]

    # The agenda page: booked, from today, mine.
    today = timezone.localdate().isoformat()
    assert ids(status="fissato", date_from=today, mine=True) == [interview.pk]
    assert ids(kind="primo_colloquio") == [held.pk]
    assert ids(date_to=(timezone.localdate() - datetime.timedelta(days=1)).isoformat()) == [held.pk]
    assert ids(person=waiting.person_id) == [interview.pk, held.pk]
    assert ids(registration=waiting.pk) == [interview.pk]
    assert api.get(f"interviews/{held.pk}").json()["summary"] == "Cerca lavoro in cucina"
    assert api.get("interviews/999999").status_code == 404
    with CaptureQueriesContext(connection) as two:
        api.get("interviews")
    for n in range(3):
        Interview.objects.create(code=f"COL-X{n}", person=waiting.person, date=timezone.localdate())
    with CaptureQueriesContext(connection) as five:
        assert api.get("interviews").json()["count"] == 5
    assert len(five) == len(two)


# --- a contact attempt ----------------------------------------------------------------------------


def test_reaching_a_person_is_the_first_contact(cast, waiting, api_as):
    api = _writer(api_as, cast["operator"])
    response = api.post(
        f"registrations/{waiting.pk}/contact-attempts",
        {"outcome": "raggiunta", "notes": "Richiamare per il colloquio"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    today = timezone.localdate().isoformat()
    assert (body["status"], body["first_contact_on"], body["assigned_to"]) == (
        "contattata",
        today,
        cast["operator"].pk,
    )
    assert body["contact_attempts"] == 1
    assert body["attempts"] == [
        {
            "id": ContactAttempt.objects.get().pk,
            "date": today,
            "outcome": "raggiunta",
            "notes": "Richiamare per il colloquio",
            "operator": cast["operator"].pk,
        }
    ]
    detail = api.get(f"registrations/{waiting.pk}").json()
    assert detail["attempts"] == body["attempts"]


def test_a_person_no_longer_interested_closes_the_sign_up(cast, waiting, api_as):
    response = _writer(api_as, cast["operator"]).post(
        f"registrations/{waiting.pk}/contact-attempts", {"outcome": "rinuncia"}
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["closing_note"]) == (
        "chiusa",
        "Non più interessata",
    )


def test_a_contact_attempt_is_checked_by_the_pages_form(cast, waiting, api_as):
    api = _writer(api_as, cast["operator"])
    path = f"registrations/{waiting.pk}/contact-attempts"
    future = api.post(path, {"outcome": "raggiunta", "date": _tomorrow()})
    assert future.status_code == 422
    assert future.json() == {
        "code": "invalid",
        "message": "Alcuni valori non sono validi: vedi i campi.",
        "message_en": "Some values are not valid: see the fields.",
        "fields": {"date": ["Un tentativo di contatto non può essere nel futuro."]},
    }
    unknown = api.post(path, {"outcome": "boh"})
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["outcome"]
    assert (
        api.post("registrations/999999/contact-attempts", {"outcome": "raggiunta"}).status_code
        == 404
    )
    assert not ContactAttempt.objects.exists()
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITING


# --- booking an interview -------------------------------------------------------------------------


def test_booking_the_first_interview_mails_the_person_and_takes_them_off_the_list(
    cast, waiting, api_as, django_capture_on_commit_callbacks
):
    api = _writer(api_as, cast["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"people/{waiting.person_id}/interviews",
            {"date": _tomorrow(), "time": "10:30", "place": "Via Capramozza 13"},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("COL-")
    assert (body["kind"], body["status"], body["time"], body["operator"]) == (
        "primo_colloquio",
        "fissato",
        "10:30:00",
        cast["operator"].pk,
    )
    assert body["registration"] == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.BOOKED
    assert waiting not in Registration.objects.queue()
    (message,) = mail.outbox
    assert message.to == [waiting.person.email]
    assert "Via Capramozza 13" in message.body
    # Once only.
    again = api.post(
        f"people/{waiting.person_id}/interviews",
        {"date": _tomorrow(), "time": "11:00", "place": "Via Capramozza 13"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "first_already_booked"
    assert again.json()["message"] == "Il primo colloquio è già fissato o svolto."
    # Another kind of interview may follow, held by another operator.
    colleague = make_user("collega@example.org", Role.OPERATOR)
    orientation = api.post(
        f"people/{waiting.person_id}/interviews",
        {
            "kind": "orientamento",
            "date": _tomorrow(),
            "time": "11:00",
            "place": "Sportello",
            "operator": colleague.pk,
        },
    )
    assert orientation.status_code == 201
    assert orientation.json()["operator"] == colleague.pk


def test_the_first_interview_needs_the_person_on_the_waiting_list(cast, api_as):
    person = factories.person("Esposito", "Gino")
    response = _writer(api_as, cast["operator"]).post(
        f"people/{person.pk}/interviews",
        {"date": _tomorrow(), "time": "10:30", "place": "Sportello"},
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "not_registered",
        "message": "Questa persona non è in lista d'attesa: prima iscrivila.",
        "message_en": "This person is not on the waiting list: sign them up first.",
        "fields": {},
    }
    assert not Interview.objects.exists()


def test_a_booking_is_checked_by_the_pages_form(cast, waiting, api_as):
    api = _writer(api_as, cast["operator"])
    path = f"people/{waiting.person_id}/interviews"
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    past = api.post(path, {"date": yesterday, "time": "10:30", "place": "Sportello"})
    assert past.status_code == 422
    assert past.json()["fields"] == {"date": ["Scegli una data da oggi in poi."]}
    coach = api.post(
        path,
        {"date": _tomorrow(), "time": "25:99", "place": "Sportello", "operator": cast["coach"].pk},
    )
    assert set(coach.json()["fields"]) == {"time", "operator"}
    other = api.post(
        path, {"kind": "altro", "date": _tomorrow(), "time": "10:30", "place": "Sportello"}
    )
    assert list(other.json()["fields"]) == ["kind"]
    missing_place = api.post(path, {"date": _tomorrow(), "time": "10:30", "place": ""})
    assert missing_place.status_code == 422
    assert list(missing_place.json()["fields"]) == ["place"]
    unknown = api.post(
        "people/999999/interviews", {"date": _tomorrow(), "time": "10:30", "place": "Sportello"}
    )
    assert unknown.status_code == 404
    assert not Interview.objects.exists()
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITING


# --- closing a sign-up, an interview that did not take place -------------------------------------


def test_closing_a_sign_up_needs_the_reason_and_happens_once(cast, waiting, api_as):
    api = _writer(api_as, cast["operator"])
    path = f"registrations/{waiting.pk}/close"
    empty = api.post(path, {"note": ""})
    assert empty.status_code == 422
    assert empty.json()["fields"] == {"note": ["Scrivi perché l'iscrizione viene chiusa."]}
    too_long = api.post(path, {"note": "x" * 201})
    assert list(too_long.json()["fields"]) == ["note"]
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITING
    closed = api.post(path, {"note": "Ha trovato lavoro da sola"})
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status"], body["closing_note"], body["closed_on"]) == (
        "chiusa",
        "Ha trovato lavoro da sola",
        timezone.localdate().isoformat(),
    )
    # A closed sign-up is not on the page's list of open ones: not found.
    again = api.post(path, {"note": "Di nuovo"})
    assert again.status_code == 404
    assert Registration.objects.get(pk=waiting.pk).closing_note == "Ha trovato lavoro da sola"


def test_a_missed_first_interview_puts_the_person_back_on_the_list(
    cast, waiting, api_as, django_capture_on_commit_callbacks
):
    api = _writer(api_as, cast["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        booked = api.post(
            f"people/{waiting.person_id}/interviews",
            {"date": _tomorrow(), "time": "09:00", "place": "Sportello"},
        ).json()
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.BOOKED
    path = f"interviews/{booked['id']}/missed"
    wrong = api.post(path, {"status": "svolto"})
    assert wrong.status_code == 422
    assert list(wrong.json()["fields"]) == ["status"]
    missed = api.post(path, {"status": "assente"})
    assert missed.status_code == 200, missed.content
    assert missed.json()["status"] == "assente"
    registration = Registration.objects.get(pk=waiting.pk)
    assert registration.status == RegistrationStatus.CONTACTED
    assert registration in Registration.objects.queue()
    # Only a booked interview: this one is no longer.
    assert api.post(path, {"status": "annullato"}).status_code == 404
    assert Interview.objects.get(pk=booked["id"]).status == InterviewStatus.NO_SHOW
