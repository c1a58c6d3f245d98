import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.employment import services
from insieme.employment.models import (
    ContactAttempt,
    Interview,
    InterviewKind,
    InterviewStatus,
    JobProfile,
    Registration,
    RegistrationStatus,
)
from insieme.employment.tests import factories

TODAY = datetime.date(2026, 3, 20)


@pytest.fixture
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def waiting(db):
    return {
        "new": factories.registration(factories.person("Nuovi", "Nina"), on=TODAY),
        "old": factories.registration(
            factories.person("Vecchi", "Vito"), on=TODAY - datetime.timedelta(days=50)
        ),
        "edge": factories.registration(
            factories.person("Limite", "Lia"), on=TODAY - datetime.timedelta(days=35)
        ),
    }


def test_queue_is_oldest_first_with_the_overdue_flag(fixed_clock, waiting, client_as, operator):
    response = client_as(operator).get(reverse("employment:queue"))
    html = response.content.decode()
    rows = response.context["rows"]
    assert [row["registration"] for row in rows] == [
        waiting["old"],
        waiting["edge"],
        waiting["new"],
    ]
    assert [row["days"] for row in rows] == [50, 35, 0]
    assert [row["overdue"] for row in rows] == [True, False, False]
    assert "in ritardo" in html
    assert "entro 35 giorni" in html


@pytest.mark.parametrize("target", [30, 60])
def test_the_target_comes_from_settings(
    fixed_clock, waiting, client_as, operator, settings, target
):
    settings.FIRST_CONTACT_TARGET_DAYS = target
    rows = client_as(operator).get(reverse("employment:queue")).context["rows"]
    assert [row["overdue"] for row in rows] == [target < 50, target < 35, False]


def test_queue_leaves_out_those_already_booked_or_closed(fixed_clock, waiting, client_as, operator):
    factories.registration(status=RegistrationStatus.BOOKED)
    factories.registration(status=RegistrationStatus.CLOSED)
    rows = client_as(operator).get(reverse("employment:queue")).context["rows"]
    assert len(rows) == 3


def test_queue_query_count_does_not_grow(fixed_clock, client_as, operator, db):
    client = client_as(operator)
    factories.registration()
    client.get(reverse("employment:queue"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("employment:queue"))
    for n in range(6):
        factories.registration(factories.person(f"Altro{n}", "Ada"))
    client.get(reverse("employment:queue"))  # the counts are cached: both measured warm
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("employment:queue"))
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["outsider", "partner", "applicant", "coach"])
def test_queue_is_for_operators_only(client_as, cast, who):
    assert client_as(cast[who]).get(reverse("employment:queue")).status_code == 403


def test_queue_requires_login(client, db):
    response = client.get(reverse("employment:queue"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_assign_to_an_operator_with_htmx_returns_the_row(client_as, operator, waiting):
    registration = waiting["old"]
    response = client_as(operator).post(
        reverse("employment:assign", args=[registration.pk]),
        {"operator": operator.pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith("<tr")
    assert f'id="iscrizione-{registration.pk}"' in html
    registration.refresh_from_db()
    assert registration.assigned_to == operator
    assert LogEntry.objects.get_for_object(registration).filter(actor=operator).exists()


def test_assign_without_htmx_redirects(client_as, operator, waiting):
    response = client_as(operator).post(
        reverse("employment:assign", args=[waiting["old"].pk]), {"operator": operator.pk}
    )
    assert response.status_code == 302


def test_contact_attempts_are_recorded_and_reaching_the_person_is_the_first_contact(
    fixed_clock, client_as, operator, waiting
):
    registration = waiting["old"]
    client = client_as(operator)
    url = reverse("employment:contact", args=[registration.pk])
    client.post(url, {"date": "2026-03-18", "outcome": "nessuna_risposta", "notes": "squilla"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITING
    assert registration.first_contact_on is None
    client.post(url, {"date": "2026-03-19", "outcome": "raggiunta"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONTACTED
    assert registration.first_contact_on == datetime.date(2026, 3, 19)
    assert registration.assigned_to == operator
    assert not registration.is_overdue()
    assert ContactAttempt.objects.filter(registration=registration).count() == 2


def test_contact_attempt_in_the_future_is_refused_in_italian(
    fixed_clock, client_as, operator, waiting
):
    response = client_as(operator).post(
        reverse("employment:contact", args=[waiting["old"].pk]),
        {"date": "2026-04-01", "outcome": "raggiunta"},
    )
    assert "non può essere nel futuro" in response.content.decode()


def test_booking_the_first_interview_mails_the_person_and_leaves_the_queue(
    fixed_clock, client_as, operator, waiting, django_capture_on_commit_callbacks
):
    registration = waiting["old"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(operator).post(
            reverse("employment:book_interview", args=[registration.person_id]),
            {
                "kind": "primo_colloquio",
                "date": "2026-03-25",
                "time": "10:30",
                "place": "Via Capramozza 13, Bologna",
                "operator": operator.pk,
            },
        )
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert interview.code == f"COL-{interview.pk:06d}"
    assert interview.status == InterviewStatus.BOOKED
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.BOOKED
    assert registration.first_contact_on == TODAY
    assert registration not in Registration.objects.queue()
    assert mail.outbox[0].to == [registration.person.email]
    assert "Via Capramozza 13" in mail.outbox[0].body
    assert "25 marzo 2026" in mail.outbox[0].body
    agenda = client_as(operator).get(reverse("employment:agenda"))
    assert registration.person.last_name in agenda.content.decode()


def test_booking_in_the_past_gets_an_italian_message(fixed_clock, client_as, operator, waiting):
    response = client_as(operator).post(
        reverse("employment:book_interview", args=[waiting["old"].person_id]),
        {
            "kind": "primo_colloquio",
            "date": "2026-03-01",
            "time": "10:00",
            "place": "Sede",
            "operator": operator.pk,
        },
    )
    assert "Scegli una data da oggi in poi" in response.content.decode()
    assert not Interview.objects.exists()


def test_recording_the_interview_fills_the_profile_and_activates_the_person(
    fixed_clock, client_as, operator, waiting
):
    client = client_as(operator)
    registration = waiting["old"]
    client.post(
        reverse("employment:book_interview", args=[registration.person_id]),
        {
            "kind": "primo_colloquio",
            "date": "2026-03-20",
            "time": "09:00",
            "place": "Sede",
            "operator": operator.pk,
        },
    )
    interview = Interview.objects.get()
    response = client.post(
        reverse("employment:interview", args=[interview.pk]),
        {
            "summary": "Cerca lavoro in cucina",
            "profilo-education": "Licenza media",
            "profilo-work_history": "Cuoca in mensa per 5 anni",
            "profilo-skills": ["cucina", "pulizie"],
            "profilo-reach": "distretto",
            "disponibilita-languages": "italiano B2, arabo",
            "disponibilita-available_hours": "20",
            "disponibilita-constraints": "Due figli alla scuola primaria",
            "profilo-wished_contracts": [],
            "profilo-goals": "Un contratto stabile",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD
    job_profile = JobProfile.objects.get(person=registration.person)
    assert job_profile.skills == ["cucina", "pulizie"]
    assert job_profile.reach == "distretto"
    registration.person.refresh_from_db()
    assert registration.person.available_hours == 20
    assert registration.person.languages == "italiano B2, arabo"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ACTIVE
    page = client.get(reverse("employment:person", args=[registration.person_id]))
    html = page.content.decode()
    assert "Cucina e preparazione pasti" in html
    assert "Primo colloquio svolto" in html


def test_later_interviews_are_orientation_or_monitoring(fixed_clock, client_as, operator, waiting):
    person = waiting["old"].person
    response = client_as(operator).post(
        reverse("employment:book_interview", args=[person.pk]),
        {
            "kind": "monitoraggio",
            "date": "2026-04-02",
            "time": "11:00",
            "place": "Sede",
            "operator": operator.pk,
        },
    )
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert interview.kind == InterviewKind.MONITORING
    assert interview.code.startswith("COL-")


def test_a_missed_first_interview_puts_the_person_back(fixed_clock, client_as, operator, waiting):
    client = client_as(operator)
    person = waiting["old"].person
    client.post(
        reverse("employment:book_interview", args=[person.pk]),
        {
            "kind": "primo_colloquio",
            "date": "2026-03-20",
            "time": "09:00",
            "place": "Sede",
            "operator": operator.pk,
        },
    )
    interview = Interview.objects.get()
    client.post(reverse("employment:interview_missed", args=[interview.pk]), {"status": "assente"})
    waiting["old"].refresh_from_db()
    assert waiting["old"].status == RegistrationStatus.CONTACTED
    assert waiting["old"] in Registration.objects.queue()


@pytest.mark.parametrize("who", ["outsider", "partner", "funder"])
def test_person_page_is_for_operators(client_as, cast, who, waiting):
    url = reverse("employment:person", args=[waiting["old"].person_id])
    assert client_as(cast[who]).get(url).status_code == 403


def test_imported_history_does_not_flood_the_waiting_list(db):
    person = factories.person("Storico", "Sergio")
    Registration.objects.create(person=person, registered_on=datetime.date(2023, 5, 2))
    assert not Registration.objects.queue().exists()
    assert not Registration.objects.overdue(TODAY).exists()


def test_a_generated_code_never_clashes_with_an_imported_one(operator, db):
    person = factories.person()

    def book():
        return services.book_interview(
            person=person,
            kind=InterviewKind.ORIENTATION,
            date=TODAY,
            time=None,
            place="Sede",
            operator=operator,
            by=operator,
        )

    first = book()
    # A workbook row already holds the code the interview after next would get.
    Interview.objects.create(code=f"COL-{first.pk + 2:06d}", person=person, date=TODAY)
    clashing = book()
    assert clashing.pk == first.pk + 2
    assert clashing.code == f"COL-{first.pk + 2:06d}-2"


def test_queue_and_caseload_are_paginated_with_counts_of_everyone(
    fixed_clock, client_as, operator, settings
):
    for n in range(27):  # 25 a page
        factories.registration(
            factories.person(f"Attesa{n:02d}", "Ada"), on=TODAY - datetime.timedelta(days=100 - n)
        )
        factories.registration(
            factories.person(f"Presa{n:02d}", "Bea"), status=RegistrationStatus.ACTIVE
        )
    client = client_as(operator)
    first = client.get(reverse("employment:queue"))
    assert len(first.context["rows"]) == 25
    html = first.content.decode()
    assert "Persone in attesa: 27" in html
    assert "In ritardo: 27" in html  # counted over every page, not only this one
    second = client.get(reverse("employment:queue"), {"pagina": 2})
    assert [row["registration"].person.last_name for row in second.context["rows"]] == [
        "Attesa25",
        "Attesa26",
    ]
    caseload = client.get(reverse("employment:caseload"), {"tutti": 1, "pagina": 2})
    assert [r.person.last_name for r in caseload.context["registrations"]] == [
        "Presa25",
        "Presa26",
    ]
