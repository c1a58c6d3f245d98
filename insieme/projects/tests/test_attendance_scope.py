"""A coach records attendance only for participants of the projects they accompany, the ones the
event page shows them (found by the authorization matrix, tests/security)."""

from decimal import Decimal

from django.urls import reverse

from conftest import make_user
from insieme.accounts.models import Role
from insieme.projects.models import Event, Participation
from insieme.projects.tests import factories as f


def test_a_coach_cannot_record_attendance_for_another_coachs_project(cast, client_as):
    other_coach = make_user("altro.coach@example.org", Role.COACH)
    project = f.project(coaches=[cast["coach"]])
    event = Event.objects.create(kind="formazione", title="Bilancio", date="2025-04-10", hours=3)
    participation = Participation.objects.create(
        event=event, person=f.person(), project=project, hours=Decimal(0)
    )
    url = reverse("projects:attendance", args=[participation.pk])

    refused = client_as(other_coach).post(url, {"attended": "on", "hours": "3"})

    assert refused.status_code == 404
    participation.refresh_from_db()
    assert (participation.attended, participation.hours) == (False, Decimal(0))
    allowed = client_as(cast["coach"]).post(url, {"attended": "on", "hours": "3"})
    assert allowed.status_code == 302
    participation.refresh_from_db()
    assert (participation.attended, participation.hours) == (True, Decimal(3))
