"""Coaching hours are the hours of sessions held (issue 15): a session is recorded once held,
so its date is not after today, and a session or event dated after today adds no hours."""

import datetime
from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from insieme.projects import services
from insieme.projects.models import CoachingSession, Participation, Project
from insieme.projects.tests import factories as f

FUTURE_MESSAGE = (
    "Una sessione di coaching si registra dopo averla svolta: scegli una data fino a oggi."
)


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)) as t:
        yield t


def test_the_service_refuses_a_session_dated_next_month(clock, cast):
    project = f.project(coaches=[cast["coach"]])
    with pytest.raises(ValidationError) as raised:
        services.record_session(
            project=project,
            coach=cast["coach"],
            date=date(2026, 7, 1),
            hours=D("2"),
            topics="Piano d'impresa",
            by=cast["coach"],
        )
    assert raised.value.message_dict == {"date": [FUTURE_MESSAGE]}
    assert not CoachingSession.objects.exists()


def test_the_page_refuses_a_session_dated_next_month_and_writes_nothing(clock, cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    response = client_as(cast["coach"]).post(
        reverse("projects:session_add", args=[project.pk]),
        {"coach": cast["coach"].pk, "date": "2026-07-01", "hours": "2", "topics": "Marketing"},
    )
    assert response.status_code == 400
    assert FUTURE_MESSAGE in response.text.replace("&#x27;", "'")
    assert not CoachingSession.objects.exists()


def test_a_session_cannot_be_moved_to_next_month(clock, cast):
    project = f.project(coaches=[cast["coach"]])
    session = services.record_session(
        project=project,
        coach=cast["coach"],
        date=date(2026, 5, 20),
        hours=D("2"),
        topics="Marketing",
        by=cast["coach"],
    )
    with pytest.raises(ValidationError):
        services.change_session(
            session=session,
            coach=cast["coach"],
            date=date(2026, 7, 1),
            hours=D("2"),
            topics="Marketing",
            by=cast["coach"],
        )
    assert CoachingSession.objects.get(pk=session.pk).date == date(2026, 5, 20)


def test_only_hours_held_are_counted(clock, cast, client_as):
    project = f.project(coaches=[cast["coach"]])
    services.record_session(
        project=project,
        coach=cast["coach"],
        date=date(2026, 5, 20),
        hours=D("1.5"),
        topics="Marketing",
        by=cast["coach"],
    )
    # A row dated next month written before the rule (or by hand) is not an hour held.
    CoachingSession.objects.create(
        project=project, coach=cast["coach"], date=date(2026, 7, 1), hours=D("8"), topics="x"
    )
    event = services.create_event(
        kind="formazione", title="Bilancio", date=date(2026, 7, 10), hours=D("4"), by=cast["coach"]
    )
    participation = services.add_participant(
        event=event, person=f.person(), project=project, by=cast["operator"]
    )
    with pytest.raises(ValidationError):
        services.set_attendance(participation=participation, attended=True, by=cast["operator"])
    Participation.objects.filter(pk=participation.pk).update(attended=True, hours=D("4"))
    row = Project.objects.with_hours().get(pk=project.pk)
    assert (row.coaching_hours, row.event_hours, row.total_hours) == (
        D("1.50"),
        D("0.00"),
        D("1.50"),
    )
    detail = client_as(cast["operator"]).get(reverse("projects:detail", args=[project.pk])).text
    listing = client_as(cast["operator"]).get(reverse("projects:list")).text
    for page in (detail, listing):
        assert "9,50" not in page
        assert "1,50" in page
    clock.move_to(datetime.datetime(2026, 7, 11, 9, 0, tzinfo=datetime.UTC))
    row = Project.objects.with_hours().get(pk=project.pk)
    assert row.total_hours == D("13.50")


def test_negative_attendance_hours_are_refused(cast):
    event = services.create_event(
        kind="formazione", title="Bilancio", date=date(2025, 3, 1), hours=D("4"), by=cast["coach"]
    )
    participation = services.add_participant(event=event, person=f.person(), by=cast["operator"])
    with pytest.raises(ValidationError):
        services.set_attendance(
            participation=participation, attended=True, hours=D("-1"), by=cast["operator"]
        )
    with pytest.raises(ValidationError):
        services.create_event(
            kind="formazione", title="Zero", date=date(2025, 3, 1), hours=D("0"), by=cast["coach"]
        )
