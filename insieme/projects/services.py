"""Changes to projects: coaches, team, milestones, activities, workflow, follow-ups."""

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.calls.models import Application, ApplicationStatus
from insieme.core.audit import service
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.projects.models import (
    FOLLOW_UP_MONTHS,
    PROJECT_MANAGERS,
    CoachingSession,
    Event,
    Milestone,
    Participation,
    Project,
    ProjectStatus,
    SurvivalFollowUp,
    TeamMember,
)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@service
def open_project(*, application: Application, started_on: date | None = None, by) -> Project:
    """The project of an application admitted to accompaniment (created once)."""
    if application.status != ApplicationStatus.ACCOMPANIED:
        raise ValidationError(
            _("Only an application admitted to accompaniment becomes a project."),
            code="not_admitted",
        )
    project, _created = Project.objects.get_or_create(
        application=application, defaults={"started_on": started_on or application.outcome_date}
    )
    return project


@service
def assign_coaches(*, project: Project, coaches: Iterable[User], by) -> Project:
    coaches = list(coaches)
    for coach in coaches:
        if not coach.has_role(Role.COACH):
            raise ValidationError(
                _("%(user)s is not a coach."), code="not_a_coach", params={"user": coach}
            )
    project.coaches.set(coaches)
    return project


@service
def set_reporting_users(*, project: Project, users: Iterable[User], by) -> Project:
    users = list(users)
    for user in users:
        if not user.has_role(Role.APPLICANT):
            raise ValidationError(
                _("%(user)s has no applicant account."), code="not_applicant", params={"user": user}
            )
    project.reporting_users.set(users)
    return project


@service
def change_status(*, project: Project, to: str, on: date, reason: str = "", by) -> Project:
    if not by.has_role(*PROJECT_MANAGERS):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to not in project.allowed_transitions():
        raise ValidationError(
            _("A project that is %(current)s cannot become %(target)s."),
            code="bad_transition",
            params={"current": project.get_status_display(), "target": ProjectStatus(to).label},
        )
    if to == ProjectStatus.DROPPED and not reason.strip():
        raise ValidationError(_("Say why the project was dropped."), code="reason_required")
    if project.started_on and on < project.started_on:
        raise ValidationError(
            _("The end date cannot precede the start of the project (%(start)s)."),
            code="end_before_start",
            params={"start": project.started_on.strftime("%d/%m/%Y")},
        )
    project.status = to
    project.ended_on = on
    project.dropped_reason = reason.strip() if to == ProjectStatus.DROPPED else ""
    project.save(update_fields=["status", "ended_on", "dropped_reason", "updated_at"])
    if to == ProjectStatus.COMPLETED:
        SurvivalFollowUp.objects.bulk_create(
            SurvivalFollowUp(project=project, months=months, due_on=add_months(on, months))
            for months in FOLLOW_UP_MONTHS
        )
    return project


@service
def add_team_member(*, project: Project, person: Person, role: str = "", by) -> TeamMember:
    if project.team.filter(person=person).exists():
        raise ValidationError(
            _("%(person)s is already in the team."), code="duplicate", params={"person": person}
        )
    return TeamMember.objects.create(project=project, person=person, role=role)


@service
def remove_team_member(*, member: TeamMember, by) -> None:
    """Take a person out of the team (added by mistake or gone); the history keeps it."""
    member.delete()


@service
def add_milestone(*, project: Project, title: str, due_on: date, by) -> Milestone:
    return Milestone.objects.create(project=project, title=title, due_on=due_on, created_by=by)


@service
def change_milestone(*, milestone: Milestone, title: str, due_on: date, by) -> Milestone:
    if not milestone.can_change(by):
        raise PermissionDenied
    milestone.title = title
    milestone.due_on = due_on
    milestone.save(update_fields=["title", "due_on"])
    return milestone


@service
def delete_milestone(*, milestone: Milestone, by) -> None:
    if not milestone.can_change(by):
        raise PermissionDenied
    tranches = list(milestone.tranches.select_related("grant"))  # type: ignore[attr-defined]
    if tranches:
        raise ValidationError(
            _(
                "The milestone releases tranche %(number)s of grant %(grant)s: it cannot be "
                "deleted. Correct it instead."
            ),
            code="releases_a_tranche",
            params={"number": tranches[0].position, "grant": tranches[0].grant.code},
        )
    milestone.delete()


@service
def set_milestone_status(*, milestone: Milestone, status: str, by) -> Milestone:
    milestone.status = status
    milestone.save(update_fields=["status"])
    return milestone


@service
def record_session(
    *,
    project: Project,
    coach: User,
    date: date,
    hours: Decimal,
    topics: str,
    notes: str = "",
    next_steps: str = "",
    by,
) -> CoachingSession:
    if not project.coaches.filter(pk=coach.pk).exists():
        raise ValidationError(
            _("%(coach)s does not accompany this project."),
            code="not_project_coach",
            params={"coach": coach},
        )
    return CoachingSession.objects.create(
        project=project,
        coach=coach,
        date=date,
        hours=hours,
        topics=topics,
        notes=notes,
        next_steps=next_steps,
    )


@service
def change_session(
    *,
    session: CoachingSession,
    coach: User,
    date: date,
    hours: Decimal,
    topics: str,
    notes: str = "",
    next_steps: str = "",
    by,
) -> CoachingSession:
    if not session.can_change(by):
        raise PermissionDenied
    if coach.pk != session.coach_id and not session.project.coaches.filter(pk=coach.pk).exists():
        raise ValidationError(
            _("%(coach)s does not accompany this project."),
            code="not_project_coach",
            params={"coach": coach},
        )
    session.coach = coach
    session.date = date
    session.hours = hours
    session.topics = topics
    session.notes = notes
    session.next_steps = next_steps
    session.save()
    return session


@service
def delete_session(*, session: CoachingSession, by) -> None:
    if not session.can_change(by):
        raise PermissionDenied
    session.delete()


@service
def create_event(
    *, kind: str, title: str, date: date, hours: Decimal, place: str = "", description: str = "", by
) -> Event:
    return Event.objects.create(
        kind=kind, title=title, date=date, hours=hours, place=place, description=description
    )


@service
def change_event(
    *,
    event: Event,
    kind: str,
    title: str,
    date: date,
    hours: Decimal,
    place: str = "",
    description: str = "",
    by,
) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    longest = event.participations.order_by("-hours").values_list(
        "hours", flat=True
    ).first() or Decimal("0")
    if hours < longest:
        raise ValidationError(
            _(
                "A participant attended %(attended)s hours: the event cannot last less. Correct "
                "their attendance first."
            ),
            code="hours_below_attendance",
            params={"attended": number_format(longest, decimal_pos=2)},
        )
    event.kind = kind
    event.title = title
    event.date = date
    event.hours = hours
    event.place = place
    event.description = description
    event.save()
    return event


@service
def delete_event(*, event: Event, by) -> None:
    """Remove an event entered by mistake, with its participations (operators only)."""
    if not by.has_role(*PROJECT_MANAGERS):
        raise PermissionDenied
    event.participations.all().delete()
    event.delete()


@service
def remove_participant(*, participation: Participation, by) -> None:
    participation.delete()


@service
def add_participant(
    *,
    event: Event,
    person: Person | None = None,
    organisation: Organisation | None = None,
    project: Project | None = None,
    by,
) -> Participation:
    if (person is None) == (organisation is None):
        raise ValidationError(
            _("Choose either a person or an organisation."), code="one_participant"
        )
    return Participation.objects.create(
        event=event, person=person, organisation=organisation, project=project
    )


@service
def set_attendance(
    *, participation: Participation, attended: bool, hours: Decimal | None = None, by
) -> Participation:
    if hours is None:
        hours = participation.event.hours if attended else Decimal("0")
    if hours > participation.event.hours:
        raise ValidationError(
            _("Hours attended cannot exceed the event's %(hours)s hours."),
            code="too_many_hours",
            params={"hours": participation.event.hours},
        )
    participation.attended = attended
    participation.hours = hours if attended else Decimal("0")
    participation.save(update_fields=["attended", "hours"])
    return participation


@service
def record_follow_up(
    *,
    follow_up: SurvivalFollowUp,
    done_on: date,
    still_operating: bool,
    people_working: int | None,
    notes: str = "",
    by,
) -> SurvivalFollowUp:
    follow_up.done_on = done_on
    follow_up.still_operating = still_operating
    follow_up.people_working = people_working
    follow_up.notes = notes
    follow_up.save(update_fields=["done_on", "still_operating", "people_working", "notes"])
    return follow_up
