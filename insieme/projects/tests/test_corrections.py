"""Correcting and deleting milestones and coaching sessions: who may, and that it is audited."""

from datetime import date
from decimal import Decimal

from auditlog.models import LogEntry
from django.urls import reverse

from conftest import make_user
from insieme.accounts.models import Role
from insieme.core.audit import history
from insieme.projects import services
from insieme.projects.models import CoachingSession, Milestone, Project
from insieme.projects.tests import factories as f


def _session(project, coach, hours="2.00"):
    return services.record_session(
        project=project,
        coach=coach,
        date=date(2025, 2, 3),
        hours=Decimal(hours),
        topics="Piano economico",
        by=coach,
    )


def test_the_coach_corrects_their_session_and_the_hours_follow(cast, client_as):
    coach = cast["coach"]
    project = f.project(coaches=[coach])
    session = _session(project, coach)
    client = client_as(coach)
    url = reverse("projects:session_edit", args=[session.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"coach": coach.pk, "date": "2025-02-04", "hours": "1,5", "topics": "Prezzi e costi"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.hours, session.topics, session.date) == (
        Decimal("1.50"),
        "Prezzi e costi",
        date(2025, 2, 4),
    )
    row = Project.objects.with_hours().get(pk=project.pk)
    assert str(row.coaching_hours) == "1.50"
    change = history(session).first()
    assert change is not None
    assert change.actor == coach
    assert change.action == LogEntry.Action.UPDATE


def test_bad_hours_on_correction_get_the_italian_message(cast, client_as):
    coach = cast["coach"]
    session = _session(f.project(coaches=[coach]), coach)
    response = client_as(coach).post(
        reverse("projects:session_edit", args=[session.pk]),
        {"coach": coach.pk, "date": "2025-02-04", "hours": "30", "topics": "x"},
    )
    assert response.status_code == 400
    assert "Una sessione dura più di 0 e al massimo 24 ore." in response.content.decode()
    session.refresh_from_db()
    assert session.hours == Decimal("2.00")


def test_another_coach_of_the_project_cannot_change_the_session(cast, client_as):
    other = make_user("coach2@example.org", Role.COACH)
    project = f.project(coaches=[cast["coach"], other])
    session = _session(project, cast["coach"])
    client = client_as(other)
    assert client.get(reverse("projects:session_edit", args=[session.pk])).status_code == 403
    assert client.post(reverse("projects:session_delete", args=[session.pk])).status_code == 403
    assert CoachingSession.objects.filter(pk=session.pk).exists()
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert reverse("projects:session_edit", args=[session.pk]) not in page


def test_a_coach_of_another_project_gets_404(cast, client_as):
    stranger = make_user("coach3@example.org", Role.COACH)
    session = _session(f.project(coaches=[cast["coach"]]), cast["coach"])
    milestone = services.add_milestone(
        project=session.project, title="Business plan", due_on=date(2025, 3, 1), by=cast["coach"]
    )
    client = client_as(stranger)
    for name, pk in [
        ("projects:session_edit", session.pk),
        ("projects:milestone_edit", milestone.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for role in ("funder", "applicant", "outsider"):
        response = client_as(cast[role]).get(reverse("projects:session_edit", args=[session.pk]))
        assert response.status_code == 403


def test_the_operator_deletes_a_session_and_it_is_audited(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    session = _session(project, cast["coach"], hours="3.00")
    pk = session.pk
    response = client_as(cast["operator"]).post(reverse("projects:session_delete", args=[pk]))
    assert response.status_code == 302
    assert not CoachingSession.objects.filter(pk=pk).exists()
    assert str(Project.objects.with_hours().get(pk=project.pk).coaching_hours) == "0.00"
    deletion = LogEntry.objects.get(
        object_pk=str(pk), action=LogEntry.Action.DELETE, content_type__model="coachingsession"
    )
    assert deletion.actor == cast["operator"]


def test_milestone_author_edits_and_deletes_it(cast, client_as):
    coach = cast["coach"]
    other = make_user("coach2@example.org", Role.COACH)
    project = f.project(coaches=[coach, other])
    client = client_as(coach)
    client.post(
        reverse("projects:milestone_add", args=[project.pk]),
        {"title": "Aprire la partita IVA", "due_on": "2025-04-30"},
    )
    milestone = Milestone.objects.get(project=project)
    assert milestone.created_by == coach
    url = reverse("projects:milestone_edit", args=[milestone.pk])
    bad = client.post(url, {"title": "", "due_on": "31/02/2025"})
    assert bad.status_code == 400
    assert "Questo campo è obbligatorio." in bad.content.decode()
    assert client_as(other).post(url, {"title": "x", "due_on": "2025-05-01"}).status_code == 403
    client = client_as(coach)
    assert (
        client.post(url, {"title": "Partita IVA aperta", "due_on": "2025-05-15"}).status_code == 302
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("Partita IVA aperta", date(2025, 5, 15))
    assert history(milestone).first().actor == coach
    response = client.post(reverse("projects:milestone_delete", args=[milestone.pk]), follow=True)
    assert "Tappa eliminata." in response.content.decode()
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_delete_requires_post_and_login(cast, client, client_as):
    session = _session(f.project(coaches=[cast["coach"]]), cast["coach"])
    url = reverse("projects:session_delete", args=[session.pk])
    assert client.post(url).status_code == 302  # to the login page
    assert CoachingSession.objects.filter(pk=session.pk).exists()
    assert client_as(cast["coach"]).get(url).status_code == 405


def test_hours_typed_as_words_get_the_italian_message(cast, client_as):
    coach = cast["coach"]
    session = _session(f.project(coaches=[coach]), coach)
    response = client_as(coach).post(
        reverse("projects:session_edit", args=[session.pk]),
        {"coach": coach.pk, "date": "2025-02-04", "hours": "due", "topics": "x"},
    )
    assert response.status_code == 400
    assert "Inserisci le ore come numero, per esempio 1,5." in response.content.decode()
