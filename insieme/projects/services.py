"""Changes to projects: the committee's decision that opens them, coaches, team, milestones,
activities, workflow, follow-ups. Each asks the gate (projects/rules.py) first."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.calls import events
from insieme.calls.models import Application, ApplicationStatus, Call
from insieme.calls.services import contact_email, notify
from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.evaluations import committee
from insieme.evaluations.feedback import feedback, from_row
from insieme.evaluations.models import Decision
from insieme.evaluations.rules import open_reviews
from insieme.evaluations.services import ranked_criteria, ranking, scale
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.projects.models import (
    FOLLOW_UP_MONTHS,
    CoachingSession,
    Event,
    Milestone,
    Participation,
    Project,
    ProjectStatus,
    SurvivalFollowUp,
    TeamMember,
)
from insieme.projects.rules import MILESTONE_TO, PROJECT_TO


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@service
def open_project(*, application: Application, started_on: date | None = None, by) -> Project:
    """The project of an application admitted to accompaniment (created once), started on the
    day of the outcome unless told otherwise."""
    rules.require(by, "project.open", application)
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        return existing
    return rules.create(  # type: ignore[return-value]
        Project,
        by=by,
        application=application,
        started_on=started_on or application.outcome_date or timezone.localdate(),
    )


def _check_admitted(call: Call, admitted_ids: set[int], rows: list, candidates: set[int]) -> None:
    """The choice of the committee: within the call's limit, among `candidates`, each admitted
    application with at least one completed evaluation."""
    if call.max_admitted is not None and len(admitted_ids) > call.max_admitted:
        raise ValidationError(
            _("This call admits at most %(max)d projects; you chose %(count)d."),
            code="too_many",
            params={"max": call.max_admitted, "count": len(admitted_ids)},
        )
    if not admitted_ids <= candidates:
        raise ValidationError(
            _("Only eligible applications under evaluation can be admitted."), code="not_eligible"
        )
    unscored = [
        r.application.code for r in rows if r.application.pk in admitted_ids and r.evaluations == 0
    ]
    if unscored:
        raise ValidationError(
            _(
                "Only applications with at least one completed evaluation can be admitted: %(codes)s."
            ),
            code="not_evaluated",
            params={"codes": ", ".join(unscored)},
        )


def _decide_transition(override_reason: str) -> str:
    return "call.decide_without_all_reviews" if override_reason.strip() else "call.decide"


def preview_committee_decision(
    call: Call, *, by, admitted: list[Application], override_reason: str = ""
) -> committee.Outcome:
    """What `record_committee_decision` would do, refused the same way, nothing written: the
    confirmation states it before the decision is recorded."""
    rules.require(by, _decide_transition(override_reason), call)
    rows = ranking(call)
    pending = [
        r.application for r in rows if r.application.status == ApplicationStatus.IN_EVALUATION
    ]
    admitted_ids = {a.pk for a in admitted}
    _check_admitted(call, admitted_ids, rows, {a.pk for a in pending})
    return committee.outcome(
        call,
        [a for a in pending if a.pk in admitted_ids],
        [a for a in pending if a.pk not in admitted_ids],
    )


def _notify_outcome(
    application: Application, *, admitted: bool, reason: str = "", feedback: Any = None
) -> None:
    events.outcome_decided(application)
    notify(
        to=contact_email(application),
        subject=(
            gettext("Application %(code)s: outcome reviewed")
            if reason
            else gettext("Application %(code)s: outcome")
        )
        % {"code": application.code},
        template="evaluations/email/outcome.txt",
        context={
            "application": application,
            "admitted": admitted,
            "review_reason": reason,
            "feedback": feedback,
        },
    )


@service
def record_committee_decision(
    call: Call,
    *,
    by,
    admitted: list[Application],
    notes: str = "",
    override_reason: str = "",
    feedback_note: str = "",
) -> Decision:
    """The committee's decision: admit up to the call's limit (each admitted application becomes
    a project), the other eligible ones are not selected; every outcome gets today's date and
    the applicant an e-mail. Only once the call has closed and every review is in ("call.decide",
    evaluations/rules.py), or, with a reason, without the evaluations still open
    ("call.decide_without_all_reviews": the call manager's override, audited and in the
    minutes)."""
    override_reason = override_reason.strip()
    name = _decide_transition(override_reason)
    rules.require(by, name, call)
    still_open = open_reviews(call) if override_reason else 0
    rows = ranking(call)
    admitted_ids = {a.pk for a in admitted}
    _check_admitted(
        call,
        admitted_ids,
        rows,
        {r.application.pk for r in rows if r.application.status == ApplicationStatus.IN_EVALUATION},
    )
    rules.transition(call, name, by=by)
    today = timezone.localdate()
    snapshot = []
    criteria, out_of = ranked_criteria(call), scale(call)
    for row in rows:
        application = row.application
        if application.status != ApplicationStatus.IN_EVALUATION:
            continue
        is_admitted = application.pk in admitted_ids
        rules.transition(
            application,
            "application.admit" if is_admitted else "application.not_select",
            by=by,
            outcome_date=today,
            score=row.aggregate,
        )
        if is_admitted:
            open_project(application=application, started_on=today, by=by)
        snapshot.append(
            {
                "position": row.position,
                "code": application.code,
                "title": application.title,
                "applicant": str(application.applicant or ""),
                "score": str(row.aggregate) if row.aggregate is not None else "",
                "evaluations": row.evaluations,
                "outcome": application.status,
            }
        )
        _notify_outcome(
            application,
            admitted=is_admitted,
            feedback=None
            if is_admitted
            else from_row(
                row, criteria, note=feedback_note.strip(), ranked=len(rows), out_of=out_of
            ),
        )
    decision = Decision.objects.create(
        call=call,
        decided_by=by,
        notes=notes,
        feedback_note=feedback_note.strip(),
        ranking=snapshot,
        override_reason=override_reason,
        open_reviews=still_open,
    )
    if override_reason:
        log_event(
            decision,
            by=by,
            event="decided_without_all_reviews",
            details={"reason": override_reason, "open_reviews": still_open},
        )
    return decision


@dataclass
class ReviewPreview:
    """A riesame before it is recorded: the outcomes after it, and which of them change."""

    outcome: committee.Outcome
    newly_admitted: list[Application]
    withdrawn: list[Application]

    @property
    def changes(self) -> bool:
        return bool(self.newly_admitted or self.withdrawn)


def preview_decision_review(
    call: Call, *, by, admitted: list[Application], reason: str
) -> ReviewPreview:
    """What `review_committee_decision` would do, refused the same way, nothing written."""
    rules.require(by, "call.review_decision", call)
    if not reason.strip():
        raise ValidationError(
            _("Say why the decision is reviewed: the applicants whose outcome changes read it."),
            code="reason_required",
        )
    rows = ranking(call)
    candidates = [r.application for r in rows if r.application.status in committee.DECIDED]
    admitted_ids = {a.pk for a in admitted}
    _check_admitted(call, admitted_ids, rows, {a.pk for a in candidates})
    newly = [
        a for a in candidates if a.pk in admitted_ids and a.status == ApplicationStatus.NOT_SELECTED
    ]
    withdrawn = [
        a
        for a in candidates
        if a.pk not in admitted_ids and a.status == ApplicationStatus.ACCOMPANIED
    ]
    if not newly and not withdrawn:
        raise ValidationError(
            _("The review changes no outcome: tick the applications admitted after the review."),
            code="no_change",
        )
    for application in withdrawn:
        rules.require(by, "application.review_not_select", application)
    for application in newly:
        rules.require(by, "application.review_admit", application)
    return ReviewPreview(
        outcome=committee.outcome(
            call,
            [a for a in candidates if a.pk in admitted_ids],
            [a for a in candidates if a.pk not in admitted_ids],
        ),
        newly_admitted=newly,
        withdrawn=withdrawn,
    )


@service
def review_committee_decision(
    call: Call, *, by, admitted: list[Application], reason: str
) -> Decision:
    """The riesame: the committee's decision reviewed, with a reason. `admitted` is the whole set
    admitted after it. An admission withdrawn makes the application not selected and drops its
    project (refused while money is paid out or awarded on it, or jobs are linked to it: see
    "application.review_not_select"); an application admitted after all is accompanied and its
    project opened, or reinstated. The changed outcomes get today's date, a new notice (e-mail
    and the `application.outcome_decided` event) and the decision keeps the review."""
    reason = reason.strip()
    preview = preview_decision_review(call, by=by, admitted=admitted, reason=reason)
    today = timezone.localdate()
    changes = []
    for application in preview.withdrawn:
        rules.transition(application, "application.review_not_select", by=by, outcome_date=today)
        project = Project.objects.filter(application=application).first()
        if project is not None and project.status == ProjectStatus.ACTIVE:
            rules.transition(
                project,
                "project.drop",
                by=by,
                ended_on=today,
                dropped_reason=gettext("Admission withdrawn on review: %(reason)s")
                % {"reason": reason},
            )
        changes.append((application, ApplicationStatus.ACCOMPANIED))
    for application in preview.newly_admitted:
        rules.transition(application, "application.review_admit", by=by, outcome_date=today)
        project = Project.objects.filter(application=application).first()
        if project is None:
            open_project(application=application, started_on=today, by=by)
        elif project.status == ProjectStatus.DROPPED:
            rules.transition(project, "project.reinstate", by=by, ended_on=None, dropped_reason="")
        changes.append((application, ApplicationStatus.NOT_SELECTED))
    for application, _before in changes:
        is_admitted = application.status == ApplicationStatus.ACCOMPANIED
        _notify_outcome(
            application,
            admitted=is_admitted,
            reason=reason,
            feedback=None if is_admitted else feedback(application),
        )
    decision = Decision.objects.get(call=call)
    review = {
        "at": timezone.now().isoformat(),
        "by": by.pk,
        "by_name": str(by),
        "reason": reason,
        "changes": [
            {
                "code": application.code,
                "title": application.title,
                "from": before,
                "to": application.status,
            }
            for application, before in changes
        ],
    }
    decision.reviews = [*decision.reviews, review]
    decision.save(update_fields=["reviews"])
    log_event(decision, by=by, event="decision_reviewed", details=review)
    return decision


@service
def assign_coaches(*, project: Project, coaches: Iterable[User], by) -> Project:
    rules.require(by, "project.assign_coaches", project)
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
    rules.require(by, "project.set_reporting_users", project)
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
    """Complete or drop an active project ("project.complete", "project.drop")."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to not in PROJECT_TO:
        raise ValidationError(
            _("A project that is %(current)s cannot become %(target)s."),
            code="bad_transition",
            params={"current": project.get_status_display(), "target": ProjectStatus(to).label},
        )
    rules.require(by, PROJECT_TO[to], project)
    if to == ProjectStatus.DROPPED and not reason.strip():
        raise ValidationError(_("Say why the project was dropped."), code="reason_required")
    if project.started_on and on < project.started_on:
        raise ValidationError(
            _("The end date cannot precede the start of the project (%(start)s)."),
            code="end_before_start",
            params={"start": project.started_on.strftime("%d/%m/%Y")},
        )
    rules.transition(
        project,
        PROJECT_TO[to],
        by=by,
        ended_on=on,
        dropped_reason=reason.strip() if to == ProjectStatus.DROPPED else "",
    )
    if to == ProjectStatus.COMPLETED:
        # A follow-up already on record (brought by the workbook) is kept, not made twice.
        recorded = set(project.follow_ups.values_list("months", flat=True))
        SurvivalFollowUp.objects.bulk_create(
            SurvivalFollowUp(project=project, months=months, due_on=add_months(on, months))
            for months in FOLLOW_UP_MONTHS
            if months not in recorded
        )
    return project


@service
def add_team_member(*, project: Project, person: Person, role: str = "", by) -> TeamMember:
    rules.require(by, "project.add_team_member", project)
    if project.team.filter(person=person).exists():
        raise ValidationError(
            _("%(person)s is already in the team."), code="duplicate", params={"person": person}
        )
    return TeamMember.objects.create(project=project, person=person, role=role)


@service
def remove_team_member(*, member: TeamMember, by) -> None:
    """Take a person out of the team (added by mistake or gone); the history keeps it."""
    rules.require(by, "team_member.remove", member)
    member.delete()


@service
def add_milestone(*, project: Project, title: str, due_on: date, by) -> Milestone:
    rules.require(by, "project.add_milestone", project)
    return rules.create(  # type: ignore[return-value]
        Milestone, by=by, project=project, title=title, due_on=due_on, created_by=by
    )


@service
def change_milestone(*, milestone: Milestone, title: str, due_on: date, by) -> Milestone:
    rules.require(by, "milestone.change", milestone)
    milestone.title = title
    milestone.due_on = due_on
    milestone.save(update_fields=["title", "due_on"])
    return milestone


@service
def delete_milestone(*, milestone: Milestone, by) -> None:
    rules.require(by, "milestone.delete", milestone)
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
    """Move a milestone to `status` through its declared transition (none if it is there)."""
    if status == milestone.status:
        rules.require(by, "project.add_milestone", milestone.project)
        return milestone
    return rules.transition(milestone, MILESTONE_TO[status], by=by)  # type: ignore[return-value]


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
    rules.require(by, "project.record_session", project)
    if not project.coaches.filter(pk=coach.pk).exists():
        raise ValidationError(
            _("%(coach)s does not accompany this project."),
            code="not_project_coach",
            params={"coach": coach},
        )
    session = CoachingSession(
        project=project,
        coach=coach,
        date=date,
        hours=hours,
        topics=topics,
        notes=notes,
        next_steps=next_steps,
    )
    # Held, not planned: the date up to today, the hours of one day (the form's own rules).
    session.full_clean(validate_constraints=False)
    session.save()
    return session


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
    rules.require(by, "session.change", session)
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
    session.full_clean(validate_constraints=False)
    session.save()
    return session


@service
def delete_session(*, session: CoachingSession, by) -> None:
    rules.require(by, "session.delete", session)
    session.delete()


@service
def create_event(
    *, kind: str, title: str, date: date, hours: Decimal, place: str = "", description: str = "", by
) -> Event:
    rules.require(by, "event.create")
    event = Event(
        kind=kind, title=title, date=date, hours=hours, place=place, description=description
    )
    event.full_clean(validate_constraints=False)
    event.save()
    return event


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
    rules.require(by, "event.change", event)
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
    event.full_clean(validate_constraints=False)
    event.save()
    return event


@service
def delete_event(*, event: Event, by) -> None:
    """Remove an event entered by mistake, with its participations (operators only)."""
    rules.require(by, "event.delete", event)
    event.participations.all().delete()
    event.delete()


@service
def remove_participant(*, participation: Participation, by) -> None:
    rules.require(by, "participation.remove", participation)
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
    rules.require(by, "event.add_participant", event)
    if project is not None:
        rules.require(by, "project.enrol_in_event", project)
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
    rules.require(by, "participation.set_attendance", participation)
    if hours is None:
        hours = participation.event.hours if attended else Decimal("0")
    if attended and participation.event.date > timezone.localdate():
        raise ValidationError(
            _("The event is on %(date)s: record the attendance once it has taken place."),
            code="event_in_future",
            params={"date": participation.event.date.strftime("%d/%m/%Y")},
        )
    if hours < 0:
        raise ValidationError(_("Hours cannot be negative."), code="negative_hours")
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
    rules.require(by, "survival_follow_up.record", follow_up)
    follow_up.done_on = done_on
    follow_up.still_operating = still_operating
    follow_up.people_working = people_working
    follow_up.notes = notes
    follow_up.full_clean(validate_unique=False, validate_constraints=False)
    follow_up.save(update_fields=["done_on", "still_operating", "people_working", "notes"])
    return follow_up
