from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from insieme.accounts.models import Role
from insieme.core.models import ContractType
from insieme.placements.models import Placement
from insieme.projects import services
from insieme.projects.models import (
    CoachingSession,
    Event,
    Milestone,
    Participation,
    Project,
    ProjectStatus,
    SurvivalFollowUp,
)
from insieme.projects.tests import factories as f

D = Decimal


def login_url(path: str) -> str:
    return f"{reverse('account_login')}?next={path}"


# Visibility ----------------------------------------------------------------------------------


def test_coaches_see_only_the_projects_they_accompany(cast, client_as):
    mine = f.project("Forno di comunità", coaches=[cast["coach"]])
    other = f.project("Sartoria sociale")
    assert list(Project.objects.visible_to(cast["coach"])) == [mine]
    client = client_as(cast["coach"])
    page = client.get(reverse("projects:list"))
    assert "Forno di comunità" in page.text
    assert "Sartoria sociale" not in page.text
    assert client.get(reverse("projects:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[mine.pk])).status_code == 200


def test_the_project_list_shows_one_page_at_a_time(cast, client_as):
    for n in range(27):
        f.project(f"Progetto numero {n:02d}")
    client = client_as(cast["operator"])
    first = client.get(reverse("projects:list"))
    second = client.get(reverse("projects:list"), {"pagina": 2})
    # The most recent first, 25 to a page, with a link to the next page.
    assert first.text.count("Progetto numero") == 25
    assert "Progetto numero 26" in first.text
    assert "Progetto numero 00" not in first.text
    assert "pagina=2" in first.text
    assert second.text.count("Progetto numero") == 2
    assert "Progetto numero 00" in second.text


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_operators_and_admins_see_every_project(cast, client_as, role):
    project = f.project("Orto condiviso")
    assert Project.objects.visible_to(cast[role]).count() == 1
    page = client_as(cast[role]).get(reverse("projects:detail", args=[project.pk]))
    assert page.status_code == 200
    assert "Orto condiviso" in page.text


@pytest.mark.parametrize("role", ["evaluator", "funder", "applicant", "partner", "outsider"])
def test_other_roles_are_refused(cast, client_as, role):
    project = f.project()
    event = Event.objects.create(kind="formazione", title="Corso", date=date(2025, 5, 1), hours=4)
    client = client_as(cast[role])
    for url in [
        reverse("projects:list"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:event_list"),
        reverse("projects:event_detail", args=[event.pk]),
        reverse("projects:status", args=[project.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert not Project.objects.visible_to(cast[role]).exists()


def test_every_page_requires_login(client, db):
    project = f.project()
    event = Event.objects.create(kind="formazione", title="Corso", date=date(2025, 5, 1), hours=4)
    follow_up = SurvivalFollowUp.objects.create(project=project, months=12, due_on=date(2026, 1, 1))
    urls = [
        reverse("projects:list"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:status", args=[project.pk]),
        reverse("projects:follow_up", args=[follow_up.pk]),
        reverse("projects:event_list"),
        reverse("projects:event_create"),
        reverse("projects:event_detail", args=[event.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == login_url(url)
    for url in [
        reverse("projects:milestone_add", args=[project.pk]),
        reverse("projects:session_add", args=[project.pk]),
        reverse("projects:team_add", args=[project.pk]),
        reverse("projects:coaches", args=[project.pk]),
    ]:
        assert client.post(url).status_code == 302


# Coaches, team, milestones, sessions ----------------------------------------------------------


def test_operator_assigns_coaches_and_only_coaches(cast, client_as):
    project = f.project()
    second = make_user("coach2@example.org", Role.COACH, first_name="Clara", last_name="Gallo")
    client = client_as(cast["operator"])
    client.post(
        reverse("projects:coaches", args=[project.pk]), {"coaches": [cast["coach"].pk, second.pk]}
    )
    assert set(project.coaches.all()) == {cast["coach"], second}
    page = client.post(
        reverse("projects:coaches", args=[project.pk]),
        {"coaches": [cast["evaluator"].pk]},
        follow=True,
    )
    assert "Scegli i coach dall&#x27;elenco." in page.text
    assert set(project.coaches.all()) == {cast["coach"], second}


def test_coach_cannot_assign_coaches(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    response = client_as(cast["coach"]).post(
        reverse("projects:coaches", args=[project.pk]), {"coaches": []}
    )
    assert response.status_code == 403
    assert project.coaches.count() == 1


def test_coach_records_a_session_and_hours_add_up(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    client = client_as(cast["coach"])
    url = reverse("projects:session_add", args=[project.pk])
    data = {
        "coach": cast["coach"].pk,
        "date": "2025-02-10",
        "hours": "1,5",
        "topics": "Piano d'impresa",
    }
    assert client.post(url, data).status_code == 302
    client.post(url, {**data, "hours": "2"})
    event = services.create_event(
        kind="formazione",
        title="Bilancio",
        date=date(2025, 3, 1),
        hours=D("4"),
        by=cast["operator"],
    )
    participation = services.add_participant(
        event=event, person=f.person(), project=project, by=cast["operator"]
    )
    services.set_attendance(participation=participation, attended=True, by=cast["operator"])
    row = Project.objects.with_hours().get(pk=project.pk)
    assert (row.coaching_hours, row.event_hours, row.total_hours) == (
        D("3.50"),
        D("4.00"),
        D("7.50"),
    )
    page = client.get(reverse("projects:detail", args=[project.pk]))
    assert "7,50" in page.text
    assert "Piano d&#x27;impresa" in page.text


def test_session_bad_input_gets_italian_errors(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    response = client_as(cast["coach"]).post(
        reverse("projects:session_add", args=[project.pk]),
        {"coach": cast["coach"].pk, "date": "2025-02-10", "hours": "30", "topics": ""},
    )
    assert response.status_code == 400
    assert "Una sessione dura più di 0 e al massimo 24 ore." in response.text
    assert "Questo campo è obbligatorio." in response.text
    assert not CoachingSession.objects.exists()


def test_session_with_htmx_returns_the_fragment(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    response = client_as(cast["coach"]).post(
        reverse("projects:session_add", args=[project.pk]),
        {"coach": cast["coach"].pk, "date": "2025-02-10", "hours": "1", "topics": "Marketing"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="my-4" id="sessions"')
    assert "Marketing" in response.text
    assert "<html" not in response.text


def test_coach_cannot_log_a_session_for_another_coach(cast, client_as):
    other = make_user("coach2@example.org", Role.COACH)
    project = f.project(coaches=[cast["coach"], other])
    response = client_as(cast["coach"]).post(
        reverse("projects:session_add", args=[project.pk]),
        {"coach": other.pk, "date": "2025-02-10", "hours": "1", "topics": "x"},
    )
    assert response.status_code == 400
    assert not CoachingSession.objects.exists()


def test_milestones_and_their_status(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    client = client_as(cast["coach"])
    response = client.post(
        reverse("projects:milestone_add", args=[project.pk]),
        {"title": "Apertura del laboratorio", "due_on": "2025-06-30"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="milestones"' in response.text
    assert "<html" not in response.text
    milestone = Milestone.objects.get()
    client.post(reverse("projects:milestone_status", args=[milestone.pk]), {"status": "raggiunta"})
    milestone.refresh_from_db()
    assert milestone.status == "raggiunta"
    bad = client.post(
        reverse("projects:milestone_add", args=[project.pk]), {"title": "", "due_on": "ieri"}
    )
    assert bad.status_code == 400
    assert "Inserisci una data valida." in bad.text


def test_team_member_added_once(cast, client_as):
    project = f.project()
    person = f.person("Verdi", "Luca")
    client = client_as(cast["operator"])
    url = reverse("projects:team_add", args=[project.pk])
    typed = " ".join([person.fiscal_code[:6].lower(), person.fiscal_code[6:]])
    assert client.post(url, {"person": typed, "role": "socio"}).status_code == 302
    assert project.team.get().person == person
    unknown = client.post(url, {"person": "ZZZZZZ99Z99Z999Z"})
    assert unknown.status_code == 400
    assert "Nessuna persona con questo codice fiscale" in unknown.text
    again = client.post(url, {"person": person.fiscal_code})
    assert again.status_code == 400
    assert "è già nella squadra" in again.text


# Workflow and follow-ups -----------------------------------------------------------------------


def test_status_transitions_are_declared(cast, client_as):
    project = f.project()
    client = client_as(cast["operator"])
    url = reverse("projects:status", args=[project.pk])
    refused = client.post(url, {"to": "interrotto", "on": "2025-09-01", "reason": ""})
    assert refused.status_code == 400
    assert "Indica perché il progetto è stato interrotto." in refused.text
    client.post(url, {"to": "interrotto", "on": "2025-09-01", "reason": "Socio trasferito"})
    project.refresh_from_db()
    assert (project.status, project.dropped_reason) == (ProjectStatus.DROPPED, "Socio trasferito")
    with pytest.raises(ValidationError):
        services.change_status(
            project=project, to=ProjectStatus.ACTIVE, on=date(2025, 9, 2), by=cast["operator"]
        )
    assert client.get(url).status_code == 200


def test_coach_cannot_change_status(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    response = client_as(cast["coach"]).post(
        reverse("projects:status", args=[project.pk]), {"to": "concluso", "on": "2025-09-01"}
    )
    assert response.status_code == 403


def test_completion_schedules_survival_follow_ups_as_due_tasks(cast, client_as):
    project = f.project("Bottega del riuso", coaches=[cast["coach"]])
    services.change_status(
        project=project, to=ProjectStatus.COMPLETED, on=date(2025, 8, 31), by=cast["operator"]
    )
    assert [(x.months, x.due_on) for x in project.follow_ups.all()] == [
        (12, date(2026, 8, 31)),
        (24, date(2027, 8, 31)),
    ]
    client = client_as(cast["coach"])
    with time_machine.travel(date(2026, 9, 1), tick=False):
        page = client.get(reverse("projects:list"))
    assert "Verifiche di sopravvivenza da fare" in page.text
    assert "12 mesi dopo la conclusione" in page.text
    follow_up = project.follow_ups.get(months=12)
    client = client_as(cast["coach"])  # a new session: the one above expired with the clock
    url = reverse("projects:follow_up", args=[follow_up.pk])
    bad = client.post(url, {"done_on": "2026-09-01", "people_working": "-1"})
    assert bad.status_code == 400
    client.post(url, {"done_on": "2026-09-01", "still_operating": "1", "people_working": "3"})
    follow_up.refresh_from_db()
    assert (follow_up.still_operating, follow_up.people_working) == (True, 3)
    assert not SurvivalFollowUp.objects.due(date(2026, 9, 1)).exists()


def test_completion_keeps_a_follow_up_already_on_record(cast):
    project = f.project("Bottega importata")
    SurvivalFollowUp.objects.create(project=project, months=12, due_on=date(2026, 6, 30))
    services.change_status(
        project=project, to=ProjectStatus.COMPLETED, on=date(2025, 8, 31), by=cast["operator"]
    )
    assert [(x.months, x.due_on) for x in project.follow_ups.all()] == [
        (12, date(2026, 6, 30)),
        (24, date(2027, 8, 31)),
    ]


def test_coach_cannot_record_follow_up_of_other_projects(cast, client_as):
    follow_up = SurvivalFollowUp.objects.create(
        project=f.project(), months=12, due_on=date(2026, 1, 1)
    )
    assert (
        client_as(cast["coach"]).get(reverse("projects:follow_up", args=[follow_up.pk])).status_code
        == 404
    )


# Events --------------------------------------------------------------------------------------


def test_calendar_participants_and_attendance(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    client = client_as(cast["coach"])
    response = client.post(
        reverse("projects:event_create"),
        {
            "kind": "networking",
            "title": "Aperitivo con le imprese",
            "date": "2025-04-10",
            "hours": "3",
        },
    )
    event = Event.objects.get()
    assert response.url == reverse("projects:event_detail", args=[event.pk])
    organisation = f.organisation("Coop Aurora")
    url = reverse("projects:participant_add", args=[event.pk])
    both = client.post(
        url, {"person": f.person().fiscal_code, "organisation": organisation.fiscal_code}
    )
    assert both.status_code == 400
    assert "Scegli una persona oppure un&#x27;organizzazione." in both.text
    added = client.post(url, {"organisation": organisation.fiscal_code, "project": project.pk})
    assert added.status_code == 302, added.text[added.text.find("invalid-feedback") :][:300]
    participation = Participation.objects.get()
    client.post(
        reverse("projects:attendance", args=[participation.pk]), {"attended": "on", "hours": "2,5"}
    )
    participation.refresh_from_db()
    assert (participation.attended, participation.hours) == (True, D("2.50"))
    page = client.post(
        reverse("projects:attendance", args=[participation.pk]),
        {"attended": "on", "hours": "9"},
        follow=True,
    )
    assert "non possono superare" in page.text
    assert "Aperitivo con le imprese" in client.get(reverse("projects:event_list")).text


def test_event_bad_input(cast, client_as):
    response = client_as(cast["operator"]).post(reverse("projects:event_create"), {"kind": "x"})
    assert response.status_code == 400
    assert "Questo campo è obbligatorio." in response.text


# Jobs created ------------------------------------------------------------------------------------


def test_jobs_created_counted_by_the_rules(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    employer = f.organisation("Forno Sociale")
    anna, bruno = f.person("Neri", "Anna"), f.person("Blu", "Bruno")
    permanent = ContractType.objects.get_or_create(
        code="indeterminato", defaults={"name": "Indeterminato"}
    )[0]
    traineeship = ContractType.objects.get_or_create(
        code="tirocinio", defaults={"name": "Tirocinio"}
    )[0]
    for n, (person, contract, extension) in enumerate(
        [(anna, permanent, False), (anna, permanent, True), (bruno, traineeship, False)]
    ):
        Placement.objects.create(
            code=f"I{n}",
            person=person,
            employer=employer,
            contract_type=contract,
            start_date=date(2025, 3, 1),
            is_extension=extension,
            application=project.application,
        )
    Placement.objects.create(
        code="other",
        person=bruno,
        employer=employer,
        contract_type=permanent,
        start_date=date(2025, 3, 1),
    )
    page = client_as(cast["coach"]).get(reverse("projects:detail", args=[project.pk]))
    assert page.context["job_figures"] == {
        "placements": 2,
        "extensions": 1,
        "people": 1,
        "traineeships": 1,
    }
    assert "Inserimenti lavorativi: 2 · persone occupate: 1 · tirocini: 1" in page.text


# Query counts --------------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_project_list_query_count_does_not_grow(cast, client_as):
    client = client_as(cast["operator"])
    f.project(coaches=[cast["coach"]])
    few = _count(client, reverse("projects:list"))
    for _ in range(5):
        p = f.project(coaches=[cast["coach"]])
        services.record_session(
            project=p,
            coach=cast["coach"],
            date=date(2025, 1, 20),
            hours=D("1"),
            topics="x",
            by=cast["coach"],
        )
    assert _count(client, reverse("projects:list")) == few


def test_event_list_query_count_does_not_grow(midday, cast, client_as):
    client = client_as(cast["coach"])
    Event.objects.create(kind="formazione", title="A", date=date(2025, 5, 1), hours=2)
    # One of each: an empty page of a list costs no query, which is not growth.
    Event.objects.create(kind="formazione", title="B", date=date(2030, 4, 1), hours=2)
    few = _count(client, reverse("projects:event_list"))
    for n in range(5):
        event = Event.objects.create(
            kind="networking", title=f"E{n}", date=date(2030, 5, 1), hours=2
        )
        Participation.objects.create(event=event, organisation=f.organisation())
    assert _count(client, reverse("projects:event_list")) == few


def test_project_detail_query_count_does_not_grow(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    client = client_as(cast["operator"])
    few = _count(client, reverse("projects:detail", args=[project.pk]))
    for n in range(4):
        services.record_session(
            project=project,
            coach=cast["coach"],
            date=date(2025, 1, 20 + n),
            hours=D("1"),
            topics="x",
            by=cast["coach"],
        )
        services.add_milestone(
            project=project, title=f"M{n}", due_on=date(2025, 6, 1), by=cast["coach"]
        )
        services.add_team_member(project=project, person=f.person(), by=cast["coach"])
    assert _count(client, reverse("projects:detail", args=[project.pk])) == few


def test_open_project_only_for_admitted_applications(operator):
    application = f.application(status="presentata")
    with pytest.raises(ValidationError):
        services.open_project(application=application, by=operator)
    admitted = f.application()
    first = services.open_project(application=admitted, by=operator)
    assert services.open_project(application=admitted, by=operator) == first


def test_home_panel_lists_follow_ups_due_and_next_events(cast, client_as):
    project = f.project("Ciclofficina", coaches=[cast["coach"]])
    f.project("Non mio")
    services.change_status(
        project=project, to=ProjectStatus.COMPLETED, on=date(2025, 1, 31), by=cast["operator"]
    )
    Event.objects.create(
        kind="formazione", title="Corso di contabilità", date=date(2099, 1, 1), hours=3
    )
    client = client_as(cast["coach"])
    home = client.get(reverse("home"))
    assert reverse("projects:tasks") in home.text
    panel = client.get(reverse("projects:tasks"), headers={"HX-Request": "true"})
    assert "<html" not in panel.text
    assert "Ciclofficina" in panel.text
    assert "12 mesi dopo la conclusione, da fare entro il 31/01/2026" in panel.text
    assert "Corso di contabilità" in panel.text
    assert "Progetti attivi: 0" in panel.text
    assert client_as(cast["evaluator"]).get(reverse("projects:tasks")).status_code == 403


def test_operator_links_applicant_accounts_by_e_mail(cast, client_as):
    project = f.project()
    client = client_as(cast["operator"])
    url = reverse("projects:reporting_users", args=[project.pk])
    client.post(url, {"email": "Candidata@example.org"})
    assert list(project.reporting_users.all()) == [cast["applicant"]]
    refused = client.post(url, {"email": cast["coach"].email}, follow=True)
    assert "Nessun account da richiedente ha questo indirizzo e-mail." in refused.text
    assert list(project.reporting_users.all()) == [cast["applicant"]]
    client.post(url, {})
    assert not project.reporting_users.exists()
    assert client_as(cast["coach"]).post(url, {"email": "candidata@example.org"}).status_code == 404
