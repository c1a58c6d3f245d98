"""Correcting events, participants and the team: who may, the hours follow, and it is audited."""

from datetime import date
from decimal import Decimal

from auditlog.models import LogEntry
from django.urls import reverse

from insieme.core.audit import history
from insieme.projects import services
from insieme.projects.models import Event, Participation, Project, TeamMember
from insieme.projects.tests import factories as f

D = Decimal


def _event_with_attendance(project, by, hours="4.00", attended="3.00"):
    event = services.create_event(
        kind="formazione",
        title="Bilancio per non esperti",
        date=date(2025, 3, 10),
        hours=D(hours),
        by=by,
    )
    participation = services.add_participant(
        event=event, person=f.person("Bianchi", "Anna"), project=project, by=by
    )
    services.set_attendance(participation=participation, attended=True, hours=D(attended), by=by)
    return event, participation


def _event_data(**extra):
    return {
        "kind": "formazione",
        "title": "Bilancio per chi inizia",
        "date": "2025-03-11",
        "hours": "3,5",
        "place": "Via Libia 69",
        "description": "",
        **extra,
    }


def test_an_event_is_corrected_but_never_shorter_than_an_attendance(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    event, _participation = _event_with_attendance(project, cast["operator"])
    client = client_as(cast["coach"])
    url = reverse("projects:event_edit", args=[event.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, _event_data(hours="2,5"))
    assert refused.status_code == 400
    assert "Un partecipante ha frequentato 3,00 ore: l&#x27;evento non può durare meno." in (
        refused.text
    )
    assert client.post(url, _event_data()).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.hours, event.date) == (
        "Bilancio per chi inizia",
        D("3.50"),
        date(2025, 3, 11),
    )
    change = history(event).first()
    assert change is not None
    assert change.actor == cast["coach"]


def test_only_an_operator_deletes_an_event_and_the_hours_go_with_it(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    event, participation = _event_with_attendance(project, cast["operator"])
    assert Project.objects.with_hours().get(pk=project.pk).event_hours == D("3.00")
    url = reverse("projects:event_delete", args=[event.pk])
    assert client_as(cast["coach"]).post(url).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
    response = client_as(cast["operator"]).post(url, follow=True)
    assert "Evento eliminato." in response.text
    assert not Event.objects.filter(pk=event.pk).exists()
    assert Project.objects.with_hours().get(pk=project.pk).event_hours == D("0.00")
    deleted = LogEntry.objects.filter(action=LogEntry.Action.DELETE, actor=cast["operator"])
    assert {entry.content_type.model for entry in deleted} == {"event", "participation"}
    assert not Participation.objects.filter(pk=participation.pk).exists()


def test_a_participant_added_by_mistake_is_removed(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    event, participation = _event_with_attendance(project, cast["operator"])
    response = client_as(cast["coach"]).post(
        reverse("projects:participant_remove", args=[participation.pk]), follow=True
    )
    assert "Partecipante rimosso." in response.text
    assert not event.participations.exists()
    assert Project.objects.with_hours().get(pk=project.pk).event_hours == D("0.00")
    # A participation on behalf of a project the coach does not follow is not theirs to remove.
    other = f.project()
    hidden = services.add_participant(
        event=event, organisation=f.organisation(), project=other, by=cast["operator"]
    )
    assert (
        client_as(cast["coach"])
        .post(reverse("projects:participant_remove", args=[hidden.pk]))
        .status_code
        == 404
    )


def test_a_team_member_is_removed_by_whoever_sees_the_project(cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    member = services.add_team_member(
        project=project, person=f.person("Verdi", "Luca"), role="socio", by=cast["operator"]
    )
    url = reverse("projects:team_remove", args=[member.pk])
    stranger = f.project()
    other = services.add_team_member(
        project=stranger, person=f.person("Neri", "Sara"), by=cast["operator"]
    )
    client = client_as(cast["coach"])
    assert client.post(reverse("projects:team_remove", args=[other.pk])).status_code == 404
    response = client.post(url, follow=True)
    assert "Componente della squadra rimosso." in response.text
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert TeamMember.objects.filter(pk=other.pk).exists()
    removal = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_pk=str(member.pk))
    assert removal.actor == cast["coach"]
