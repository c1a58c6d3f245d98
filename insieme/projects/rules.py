"""What may be done to projects, their milestones, sessions and events (see core/rules.py).

A project is opened by the committee's decision (`record_committee_decision`), active until it
is completed or dropped. Its milestones are planned, then reached or missed (and may be set
back to planned when entered by mistake). The operators and administrators manage projects;
the coaches of a project record its work.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from insieme.accounts.models import Role
from insieme.calls.models import Application, ApplicationStatus
from insieme.calls.rules import APPLICATION
from insieme.core.rules import Action, Workflow, refuse, register
from insieme.projects.admission import admission_hold
from insieme.projects.models import (
    CoachingSession,
    Milestone,
    MilestoneStatus,
    Participation,
    Project,
    ProjectStatus,
    SessionStatus,
)

MANAGERS = frozenset({Role.OPERATOR, Role.ADMIN})
# Who works on projects: the managers and the coaches (each on the projects they accompany).
WORKERS = MANAGERS | {Role.COACH}


def _manages(user) -> bool:
    return user.has_role(*MANAGERS)


def project_of(obj) -> Project:
    return obj if isinstance(obj, Project) else obj.project


def accompanies(user, obj):
    """A manager, or a coach of the object's project."""
    if _manages(user):
        return None
    project = project_of(obj)
    if project is not None and project.coaches.filter(pk=user.pk).exists():
        return None
    return refuse(_("You do not accompany this project."), "not_project_coach")


def wrote_milestone(user, milestone: Milestone):
    """Its author or a manager may correct or delete a milestone."""
    if _manages(user) or (
        milestone.created_by_id is not None and milestone.created_by_id == user.pk
    ):
        return None
    return refuse(_("Only its author or the programme office may change this milestone."), "author")


def held_session(user, session: CoachingSession):
    """The coach who held it or a manager may correct or delete a session."""
    if _manages(user) or session.coach_id == user.pk:
        return None
    return refuse(_("Only the coach who held it may change this session."), "not_session_coach")


def on_a_visible_project(user, participation: Participation):
    """A participation on behalf of no project, or of a project the user accompanies."""
    if participation.project_id is None:
        return None
    return accompanies(user, participation.project)


def admitted(user, application: Application):
    if application.status != ApplicationStatus.ACCOMPANIED:
        return refuse(
            _("Only an application admitted to accompaniment becomes a project."), "not_admitted"
        )
    return None


def admission_withdrawable(user, application: Application):
    """A riesame may take back an admission only while nothing built on it would be left counted
    for an application that is no longer admitted: a completed project, jobs the project
    created, grants and payments (registered by grants, projects/admission.py)."""
    project = Project.objects.filter(application=application).first()
    if project is not None and project.status == ProjectStatus.COMPLETED:
        return refuse(
            _(
                "The project of %(application)s has been completed: its admission can no longer be "
                "withdrawn."
            ),
            "project_completed",
            application=application.code,
        )
    if count := application.placements.count():  # type: ignore[attr-defined]
        # ngettext now, not lazily: the gate formats its refusals with their parameters.
        return refuse(
            ngettext(
                "%(count)d job created by the project of %(application)s is recorded: unlink it "
                "from the project first, or keep the admission.",
                "%(count)d jobs created by the project of %(application)s are recorded: unlink them "
                "from the project first, or keep the admission.",
                count,
            ),
            "project_has_placements",
            count=count,
            application=application.code,
        )
    return admission_hold(application)


# The riesame of the committee's decision (projects/services.review_committee_decision) moves
# single outcomes: an admission withdrawn, or an application not selected admitted after all.
APPLICATION.transition(
    "application.review_not_select",
    {ApplicationStatus.ACCOMPANIED},
    ApplicationStatus.NOT_SELECTED,
    MANAGERS,
    label=_("Withdraw the admission"),
    guards=[admission_withdrawable],
)
APPLICATION.transition(
    "application.review_admit",
    {ApplicationStatus.NOT_SELECTED},
    ApplicationStatus.ACCOMPANIED,
    MANAGERS,
    label=_("Admit on review"),
)

PROJECT = Workflow(Project, "status", initial=ProjectStatus.ACTIVE)
PROJECT.transition(
    "project.complete",
    {ProjectStatus.ACTIVE},
    ProjectStatus.COMPLETED,
    MANAGERS,
    label=_("Complete"),
)
PROJECT.transition(
    "project.drop",
    {ProjectStatus.ACTIVE},
    ProjectStatus.DROPPED,
    MANAGERS,
    label=_("Drop"),
)

MILESTONE = Workflow(Milestone, "status", initial=MilestoneStatus.PLANNED)
MILESTONE.transition(
    "milestone.reach",
    {MilestoneStatus.PLANNED, MilestoneStatus.MISSED},
    MilestoneStatus.DONE,
    WORKERS,
    label=_("Reached"),
    who=accompanies,
)
MILESTONE.transition(
    "milestone.miss",
    {MilestoneStatus.PLANNED, MilestoneStatus.DONE},
    MilestoneStatus.MISSED,
    WORKERS,
    label=_("Missed"),
    who=accompanies,
)
MILESTONE.transition(
    "milestone.replan",
    {MilestoneStatus.DONE, MilestoneStatus.MISSED},
    MilestoneStatus.PLANNED,
    WORKERS,
    label=_("Planned"),
    who=accompanies,
)
# A project dropped because a riesame withdrew its admission is active again when a later
# riesame admits the application again (only that service makes this transition).
PROJECT.transition(
    "project.reinstate",
    {ProjectStatus.DROPPED},
    ProjectStatus.ACTIVE,
    MANAGERS,
    label=_("Reinstate"),
)
# Coaching sessions: planned ahead (a date, a time, a place or a video link), then held or
# cancelled; a planned one may be moved. Sessions recorded after the fact are held at once.
S = SessionStatus
SESSION = Workflow(CoachingSession, "status", initial=S.PLANNED)
SESSION.transition("session.hold", {S.PLANNED}, S.HELD, WORKERS, who=held_session, label=_("Held"))
SESSION.transition(
    "session.cancel",
    {S.PLANNED},
    S.CANCELLED,
    WORKERS,
    who=held_session,
    label=_("Cancel the session"),
)
SESSION.transition(
    "session.reschedule",
    {S.PLANNED},
    S.PLANNED,
    WORKERS,
    who=held_session,
    label=_("Move the session"),
)

# The transition that brings a milestone to each status; a project's status page offers
# completing and dropping.
MILESTONE_TO = {t.target: t.name for t in MILESTONE.transitions}
PROJECT_TO = {t.target: t.name for t in PROJECT.transitions if t.name != "project.reinstate"}

ACTIONS = [
    # An admitted application becomes a project (obj: the application).
    Action("project.open", MANAGERS, label=_("Open the project"), guards=(admitted,)),
    Action("project.assign_coaches", MANAGERS, label=_("Assign coaches")),
    Action("project.set_reporting_users", MANAGERS, label=_("Applicant accounts")),
    Action("project.add_team_member", WORKERS, who=accompanies),
    Action("team_member.remove", WORKERS, who=accompanies),
    Action("project.add_milestone", WORKERS, who=accompanies),
    Action("milestone.change", WORKERS, who=wrote_milestone),
    Action("milestone.delete", WORKERS, who=wrote_milestone),
    Action("project.record_session", WORKERS, who=accompanies),
    Action("project.plan_session", WORKERS, label=_("Plan a session"), who=accompanies),
    Action("session.change", WORKERS, who=held_session),
    Action("session.delete", WORKERS, who=held_session),
    Action("survival_follow_up.record", WORKERS, who=accompanies),
    Action("event.create", WORKERS, label=_("New event")),
    Action("event.change", WORKERS),
    Action("event.delete", MANAGERS, label=_("Delete the event")),
    Action("event.add_participant", WORKERS),
    # Taking part in an event on behalf of a project: its coaches and the managers.
    Action("project.enrol_in_event", WORKERS, who=accompanies),
    Action("participation.remove", WORKERS, who=on_a_visible_project),
    Action("participation.set_attendance", WORKERS, who=on_a_visible_project),
]

register(APPLICATION, PROJECT, MILESTONE, SESSION, *ACTIONS)
