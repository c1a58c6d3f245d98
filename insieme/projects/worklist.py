"""The coach's worklist on the home page (`insieme.core.worklist`): the coaching sessions of
this week and the milestones due, on the projects the coach follows."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import worklist
from insieme.projects.models import CoachingSession, Milestone, MilestoneStatus, Project

SESSIONS_THIS_WEEK = "sessioni_settimana"
MILESTONES_DUE = "tappe_in_scadenza"
MILESTONE_HORIZON_DAYS = 14


def week_of(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def sessions_this_week(user: Any, today: datetime.date) -> QuerySet:
    monday, sunday = week_of(today)
    return (
        CoachingSession.objects.filter(
            coach=user,
            date__range=(monday, sunday),
            project__in=Project.objects.visible_to(user),
        )
        .select_related("project__application")
        .order_by("-date", "-pk")
    )


def milestones_due(user: Any, today: datetime.date) -> QuerySet:
    """Milestones planned and due within two weeks (or already past) on the projects the user
    follows."""
    return (
        Milestone.objects.filter(
            status=MilestoneStatus.PLANNED,
            due_on__lte=today + datetime.timedelta(days=MILESTONE_HORIZON_DAYS),
            project__in=Project.objects.visible_to(user),
        )
        .select_related("project__application")
        .order_by("due_on", "pk")
    )


def filtered_projects(projects: QuerySet, focus: str, user: Any) -> QuerySet | None:
    """The projects of the list for the worklist filter `focus`; None for an unknown one."""
    from django.utils import timezone

    today = timezone.localdate()
    if focus == SESSIONS_THIS_WEEK:
        rows = sessions_this_week(user, today)
    elif focus == MILESTONES_DUE:
        rows = milestones_due(user, today)
    else:
        return None
    return projects.filter(Q(Exists(rows.filter(project=OuterRef("pk")))))


def _session_row(session: CoachingSession, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        session.project.application.title,
        reverse("projects:detail", args=[session.project_id]),
        date_format(session.date, "SHORT_DATE_FORMAT") + " · " + session.topics,
    )


def _milestone_row(milestone: Milestone, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        f"{milestone.title} — {milestone.project.application.title}",
        reverse("projects:detail", args=[milestone.project_id]),
        date_format(milestone.due_on, "SHORT_DATE_FORMAT"),
    )


def register() -> None:
    worklist.register(
        worklist.Entry(
            key="projects.sessions_this_week",
            role=Role.COACH,
            label=_("Coaching sessions this week"),
            items=sessions_this_week,
            url=lambda user, today: reverse("projects:list") + f"?filtro={SESSIONS_THIS_WEEK}",
            row=_session_row,
            order=10,
        )
    )
    worklist.register(
        worklist.Entry(
            key="projects.milestones_due",
            role=Role.COACH,
            label=_("Milestones due in the next 14 days or late"),
            items=milestones_due,
            url=lambda user, today: reverse("projects:list") + f"?filtro={MILESTONES_DUE}",
            row=_milestone_row,
            late=True,
            order=20,
        )
    )
