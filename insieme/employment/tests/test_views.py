"""The smaller operator views: agenda, plan, services and attendance, follow-ups, reports."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.employment import services
from insieme.employment.models import (
    Action,
    ActionStatus,
    Enrolment,
    Goal,
    Interview,
    InterviewKind,
    InterviewStatus,
    Registration,
    Service,
)
from insieme.employment.tests import factories
from insieme.network.models import OrganisationMember
from insieme.placements import services as placement_services

OPERATOR_URLS = [
    ("employment:agenda", []),
    ("employment:caseload", []),
    ("employment:service_list", []),
    ("employment:refusals", []),
    ("employment:reminders", []),
]


def count_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "args"), OPERATOR_URLS)
def test_operator_pages_work_and_are_closed_to_others(client, client_as, cast, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # login first
    for who in ("outsider", "partner", "applicant", "funder"):
        assert client_as(cast[who]).get(url).status_code == 403
    assert client_as(cast["operator"]).get(url).status_code == 200


def book(person, operator, day, kind=InterviewKind.ORIENTATION):
    return services.book_interview(
        person=person,
        kind=kind,
        date=day,
        time=datetime.time(9, 0),
        place="Sede",
        operator=operator,
        by=operator,
    )


def test_agenda_lists_my_booked_interviews_in_date_order(client_as, operator, db):
    today = timezone.localdate()
    later = book(factories.person("Dopo", "Dora"), operator, today + datetime.timedelta(days=3))
    sooner = book(factories.person("Prima", "Pia"), operator, today + datetime.timedelta(days=1))
    response = client_as(operator).get(reverse("employment:agenda"))
    assert list(response.context["interviews"]) == [sooner, later]
    assert "Prima Pia" in response.content.decode()


def test_agenda_query_count_does_not_grow(midday, client_as, operator, db):
    client = client_as(operator)
    day = timezone.localdate() + datetime.timedelta(days=1)
    book(factories.person("Uno", "Ugo"), operator, day)
    few = count_queries(client, reverse("employment:agenda"))
    for n in range(5):
        book(factories.person(f"Altri{n}", "Ada"), operator, day)
    assert count_queries(client, reverse("employment:agenda")) == few


def test_interview_missed_needs_a_valid_choice(client_as, operator, db):
    interview = book(factories.person(), operator, timezone.localdate())
    client = client_as(operator)
    response = client.post(
        reverse("employment:interview_missed", args=[interview.pk]), {"status": "x"}, follow=True
    )
    assert "Indica se la persona non è venuta" in response.content.decode()
    client.post(
        reverse("employment:interview_missed", args=[interview.pk]), {"status": "annullato"}
    )
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED


def test_plan_goals_and_actions(client_as, operator, db):
    person = factories.person()
    client = client_as(operator)
    response = client.post(
        reverse("employment:add_goal", args=[person.pk]), {"title": ""}, follow=True
    )
    assert "Scrivi l&#x27;obiettivo" in response.content.decode()
    client.post(reverse("employment:add_goal", args=[person.pk]), {"title": "Patente B"})
    goal = Goal.objects.get(person=person)
    client.post(
        reverse("employment:add_action", args=[person.pk]),
        {
            "goal": goal.pk,
            "description": "Iscrizione all'autoscuola",
            "owner": operator.pk,
            "due_date": "2026-12-01",
        },
    )
    action = Action.objects.get(goal=goal)
    assert action.owner == operator
    assert action.due_date == datetime.date(2026, 12, 1)
    client.post(reverse("employment:action_status", args=[action.pk]), {"status": "fatta"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    html = client.get(reverse("employment:person", args=[person.pk])).content.decode()
    assert "Patente B" in html
    assert "Fatta" in html


def test_an_action_for_another_persons_goal_is_refused(client_as, operator, db):
    goal = services.add_goal(person=factories.person("Altra", "Anna"), title="X", by=operator)
    person = factories.person()
    response = client_as(operator).post(
        reverse("employment:add_action", args=[person.pk]),
        {"goal": goal.pk, "description": "Y"},
        follow=True,
    )
    assert "L&#x27;azione non è stata aggiunta" in response.content.decode()
    assert not Action.objects.exists()


def test_services_enrolment_and_attendance(client_as, operator, db):
    client = client_as(operator)
    response = client.post(
        reverse("employment:service_list"),
        {
            "kind": "formazione",
            "title": "HACCP",
            "start_date": "2026-05-10",
            "end_date": "2026-05-01",
        },
    )
    assert "La data di fine non può precedere" in response.content.decode()
    client.post(
        reverse("employment:service_list"),
        {"kind": "formazione", "title": "HACCP", "start_date": "2026-05-01", "hours": "12"},
    )
    service = Service.objects.get()
    person = factories.person()
    data = {"service": service.pk, "enrolled_on": "2026-04-20"}
    client.post(reverse("employment:enrol", args=[person.pk]), data)
    response = client.post(reverse("employment:enrol", args=[person.pk]), data, follow=True)
    assert "ha già un&#x27;iscrizione a questo servizio" in response.content.decode()
    enrolment = Enrolment.objects.get()
    response = client.post(
        reverse("employment:attendance", args=[enrolment.pk]),
        {"hours_attended": "-2", "status": "iscritta"},
        follow=True,
    )
    assert "Le ore non possono essere negative" in response.content.decode()
    client.post(
        reverse("employment:attendance", args=[enrolment.pk]),
        {"hours_attended": "10.5", "status": "completato"},
    )
    enrolment.refresh_from_db()
    assert str(enrolment.hours_attended) == "10.5"
    detail = client.get(reverse("employment:service_detail", args=[service.pk]))
    assert "Rossi Maria" in detail.content.decode()


def test_service_list_query_count_does_not_grow(client_as, operator, db):
    client = client_as(operator)
    Service.objects.create(kind="orientamento", title="Bilancio di competenze")
    few = count_queries(client, reverse("employment:service_list"))
    for n in range(5):
        Service.objects.create(kind="formazione", title=f"Corso {n}")
    assert count_queries(client, reverse("employment:service_list")) == few


def test_a_partner_cannot_edit_another_organisations_vacancy(client_as, partner, db):
    own = factories.organisation("Nostra")
    OrganisationMember.objects.create(organisation=own, user=partner)
    other = factories.vacancy(factories.organisation("Altra"))
    client = client_as(partner)
    assert client.get(reverse("employment:vacancy_edit", args=[other.pk])).status_code == 404
    mine = factories.vacancy(own)
    assert client.get(reverse("employment:vacancy_edit", args=[mine.pk])).status_code == 200
    # A partner does not record outcomes: the operator does, with the person.
    referral_url = reverse("employment:referral_outcome", args=[1])
    assert client.get(referral_url).status_code == 403


def test_closing_a_sign_up_needs_a_reason(client_as, operator, db):
    registration = factories.registration()
    client = client_as(operator)
    url = reverse("employment:close_registration", args=[registration.pk])
    response = client.post(url, {"note": ""}, follow=True)
    assert "Scrivi perché l&#x27;iscrizione viene chiusa" in response.content.decode()
    client.post(url, {"note": "Ha trovato lavoro da sola"})
    registration.refresh_from_db()
    assert registration.status == "chiusa"
    assert registration.closing_note == "Ha trovato lavoro da sola"
    assert registration not in Registration.objects.queue()
    assert client.post(url, {"note": "di nuovo"}).status_code == 404


def test_person_page_query_count_does_not_grow_with_the_history(client_as, operator, db):
    person = factories.person()
    registration = factories.registration(person)
    factories.profile(person, skills=["cucina"], wished=["determinato"])
    client = client_as(operator)
    url = reverse("employment:person", args=[person.pk])

    def add_history(n: int) -> None:
        services.record_contact_attempt(
            registration=registration,
            date=timezone.localdate(),
            outcome="nessuna_risposta",
            by=operator,
        )
        book(person, operator, timezone.localdate(), kind=InterviewKind.MONITORING)
        goal = services.add_goal(person=person, title=f"Obiettivo {n}", by=operator)
        services.add_action(
            goal=goal, description="Passo", owner=operator, due_date=None, by=operator
        )
        vacancy = factories.vacancy(title=f"Ruolo {n}", skills=["cucina"])
        factories.vacancy(title=f"Adatta {n}", skills=["cucina"])
        referral = services.refer(vacancy=vacancy, person=person, by=operator)
        placement_services.record_placement(
            person=person,
            employer=vacancy.organisation,
            contract_type=vacancy.contract_type,
            start_date=datetime.date(2026, 1, 10),
            referral=referral,
            by=operator,
        )

    add_history(0)
    few = count_queries(client, url)
    for n in range(1, 4):
        add_history(n)
    assert count_queries(client, url) == few


def test_caseload_lists_people_taken_in(client_as, operator, db):
    mine = factories.registration(
        factories.person("Mia", "Marta"), status="in_carico", assigned_to=operator
    )
    factories.registration(factories.person("Altrui", "Aldo"), status="in_carico")
    factories.registration(factories.person("Attesa", "Alba"))
    client = client_as(operator)
    html = client.get(reverse("employment:caseload")).content.decode()
    assert "Mia Marta" in html
    assert "Altrui Aldo" not in html
    html = client.get(reverse("employment:caseload") + "?tutti=1").content.decode()
    assert "Altrui Aldo" in html
    assert "Attesa Alba" not in html
    assert mine.person.last_name in html


def test_caseload_query_count_does_not_grow(client_as, operator, db):
    client = client_as(operator)
    url = reverse("employment:caseload") + "?tutti=1"
    factories.registration(status="in_carico")
    few = count_queries(client, url)
    for n in range(5):
        factories.registration(factories.person(f"Altri{n}", "Ada"), status="in_carico")
    assert count_queries(client, url) == few


def test_an_interview_cannot_be_recorded_before_its_day(midday, client_as, operator, db):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    interview = book(factories.person("Presto", "Paolo"), operator, tomorrow)
    client = client_as(operator)
    url = reverse("employment:interview", args=[interview.pk])
    data = {"summary": "Parlato di cucina", "profilo-reach": "metropolitana"}
    response = client.post(url, data)
    assert response.status_code == 200
    expected = f"Questo colloquio è fissato per il {tomorrow:%d/%m/%Y}"
    assert expected in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED
    assert interview.summary == ""
    # On its day it can be recorded.
    Interview.objects.filter(pk=interview.pk).update(date=timezone.localdate())
    assert client.post(url, data).status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD


def enrolled(on=datetime.date(2026, 4, 20)):
    service = Service.objects.create(kind="formazione", title="HACCP", hours=12)
    office = make_user("sportello@example.org", Role.OPERATOR)
    return services.enrol(service_=service, person=factories.person(), enrolled_on=on, by=office)


def test_attendance_is_recorded_day_by_day_and_adds_up(client_as, operator, db):
    enrolment = enrolled()
    client = client_as(operator)
    url = reverse("employment:attendance_session", args=[enrolment.pk])
    today = timezone.localdate()
    response = client.post(url, {"date": "2026-05-04", "hours": "4"}, follow=True)
    assert "Presenza registrata per Rossi Maria." in response.content.decode()
    client.post(url, {"date": today.isoformat(), "hours": "3.5"})
    enrolment.refresh_from_db()
    assert enrolment.hours_attended == Decimal("7.5")
    assert [s.date for s in enrolment.sessions.all()] == [today, datetime.date(2026, 5, 4)]
    assert enrolment.sessions.first().recorded_by == operator
    html = client.get(reverse("employment:service_detail", args=[enrolment.service_id]))
    assert f"ultima il {today:%d/%m/%Y}" in html.content.decode()
    # A number field takes "7.5", not the Italian "7,5": otherwise it shows empty.
    assert (
        f'id="ore-{enrolment.pk}" name="hours_attended" type="number" step="0.5" min="0" value="7.5"'
        in html.content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2026-04-19", "hours": "2"}, "è stata iscritta il 20/04/2026"),
        ({"date": "2099-01-01", "hours": "2"}, "scegli una data fino a oggi"),
        ({"date": "2026-05-04", "hours": "0"}, "più di 0 e al massimo 12"),
        ({"date": "2026-05-04", "hours": "13"}, "più di 0 e al massimo 12"),
        ({"date": "2026-05-04", "hours": "-1"}, "più di 0 e al massimo 12"),
        ({"date": "31/31/2026", "hours": "2"}, "indica il giorno e le ore"),
        ({"date": "2026-05-04", "hours": "tante"}, "indica il giorno e le ore"),
        ({}, "indica il giorno e le ore"),
    ],
)
def test_attendance_bad_input_says_what_is_wrong(client_as, operator, db, data, message):
    enrolment = enrolled()
    url = reverse("employment:attendance_session", args=[enrolment.pk])
    response = client_as(operator).post(url, data, follow=True)
    assert message in response.content.decode()
    assert not enrolment.sessions.exists()
    enrolment.refresh_from_db()
    assert enrolment.hours_attended == 0


def test_attendance_once_a_day(client_as, operator, db):
    enrolment = enrolled()
    client = client_as(operator)
    url = reverse("employment:attendance_session", args=[enrolment.pk])
    client.post(url, {"date": "2026-05-04", "hours": "4"})
    response = client.post(url, {"date": "2026-05-04", "hours": "4"}, follow=True)
    assert "La presenza del 04/05/2026 è già registrata." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.hours_attended == Decimal("4")


def test_attendance_is_for_operators(client, client_as, cast, db):
    enrolment = enrolled()
    url = reverse("employment:attendance_session", args=[enrolment.pk])
    data = {"date": "2026-05-04", "hours": "4"}
    assert client.post(url, data).status_code == 302
    for who in ("outsider", "partner", "applicant", "funder", "coach"):
        assert client_as(cast[who]).post(url, data).status_code == 403
    assert client_as(cast["operator"]).get(url).status_code == 405
    assert (
        client_as(cast["operator"])
        .post(reverse("employment:attendance_session", args=[999999]), data)
        .status_code
        == 404
    )
    assert not enrolment.sessions.exists()


def test_service_detail_query_count_does_not_grow_with_sessions(client_as, operator, db):
    enrolment = enrolled()
    client = client_as(operator)
    url = reverse("employment:service_detail", args=[enrolment.service_id])
    services.record_session(
        enrolment=enrolment, date=datetime.date(2026, 5, 4), hours=Decimal(2), by=operator
    )
    few = count_queries(client, url)
    for n in range(5):
        other = services.enrol(
            service_=enrolment.service,
            person=factories.person(f"Altri{n}", "Ada"),
            enrolled_on=datetime.date(2026, 4, 20),
            by=operator,
        )
        for day in (5, 6):
            services.record_session(
                enrolment=other, date=datetime.date(2026, 5, day), hours=Decimal(3), by=operator
            )
    assert count_queries(client, url) == few
