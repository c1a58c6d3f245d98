"""What may be done in the employment services, by whom and when (see insieme/core/rules.py).

The workflows: a sign-up (waiting list → contacted → first interview booked → in the programme →
closed), an interview (booked → held, missed or cancelled), a referral's outcome (proposed →
hired, not chosen, refused, did not show up), a plan's goals and actions, an enrolment in a
service, a vacancy (open ↔ closed). The other changes are plain actions.

Who reads a candidate's CV is written here once ("person.read_cv"): the employment office; a
partner company only for a person referred to one of its organisations, and only while the
person's consent to share the CV is in force; the coach of a project the person applied with;
the person themselves. Administrators run accounts and configuration: they do not read CVs.
"""

from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import rules
from insieme.core.rules import Workflow, refuse, register
from insieme.employment import links
from insieme.employment.models import (
    Action,
    ActionStatus,
    Enrolment,
    EnrolmentStatus,
    Goal,
    GoalStatus,
    Interview,
    InterviewStatus,
    Referral,
    ReferralOutcome,
    Registration,
    RegistrationStatus,
    Slot,
    Vacancy,
    VacancyStatus,
)

OFFICE = frozenset({Role.OPERATOR})
OFFICE_AND_PARTNERS = frozenset({Role.OPERATOR, Role.PARTNER})


def of_the_partner(user, vacancy: Vacancy):
    """The office acts on every vacancy; a partner on its own organisations' ones."""
    if user.has_role(Role.OPERATOR):
        return None
    if vacancy.organisation_id in set(
        links.partner_organisations(user).values_list("pk", flat=True)
    ):
        return None
    return refuse(_("Only the organisation that offers this vacancy may do this."), "not_partner")


def may_read_cv(user, person):
    if user.has_role(Role.OPERATOR):
        return None
    if person.account_id is not None and person.account_id == user.pk:
        return None
    if user.has_role(Role.COACH) and person.applications.filter(project__coaches=user).exists():
        return None
    if user.has_role(Role.PARTNER):
        referred = Referral.objects.filter(
            person=person, vacancy__organisation__in=links.partner_organisations(user)
        ).exists()
        if referred and links.has_cv_consent(person):
            return None
    return refuse(
        _("The CV is shared only with the companies the person was proposed to, with consent."),
        "no_cv_access",
    )


READ_CV = rules.Action(
    "person.read_cv",
    frozenset({Role.OPERATOR, Role.PARTNER, Role.COACH, Role.APPLICANT}),
    label=_("Read the CV"),
    who=may_read_cv,
)

# Sign-ups

R = RegistrationStatus
REGISTRATION = Workflow(Registration, "status", initial=R.WAITING)
REGISTRATION.transition(
    "registration.record_first_contact", {R.WAITING}, R.CONTACTED, OFFICE, label=_("Reached")
)
REGISTRATION.transition(
    "registration.book_first_interview",
    {R.WAITING, R.CONTACTED},
    R.BOOKED,
    OFFICE,
    label=_("Book the first interview"),
)
REGISTRATION.transition(
    "registration.take_in_care", {R.BOOKED}, R.ACTIVE, OFFICE, label=_("Take in the programme")
)
REGISTRATION.transition(
    "registration.first_interview_missed",
    {R.BOOKED},
    R.CONTACTED,
    OFFICE,
    label=_("First interview missed"),
)


def own_registration(user, registration: Registration):
    if registration.person.account_id is not None and registration.person.account_id == user.pk:
        return None
    return refuse(_("Only the person signed up may do this."), "not_own")


# The person books their first interview in a slot, or cancels it, from their own page.
REGISTRATION.transition(
    "registration.book_own_first_interview",
    {R.WAITING, R.CONTACTED},
    R.BOOKED,
    {Role.APPLICANT},
    who=own_registration,
    label=_("Book the first interview"),
)
REGISTRATION.transition(
    "registration.own_first_interview_cancelled",
    {R.BOOKED},
    R.CONTACTED,
    {Role.APPLICANT},
    who=own_registration,
    label=_("First interview cancelled"),
)
REGISTRATION.transition(
    "registration.close",
    {R.WAITING, R.CONTACTED, R.BOOKED, R.ACTIVE},
    R.CLOSED,
    OFFICE,
    label=_("Close the sign-up"),
)

# Interviews


def not_in_the_future(user, interview: Interview):
    from django.utils import timezone

    if interview.date > timezone.localdate():
        return refuse(
            _("This interview is booked for %(date)s: record it on that day or later."),
            "interview_in_future",
            date=interview.date.strftime("%d/%m/%Y"),
        )
    return None


I = InterviewStatus  # noqa: E741
INTERVIEW = Workflow(Interview, "status", initial=I.BOOKED)
INTERVIEW.transition(
    "interview.record",
    {I.BOOKED, I.HELD},
    I.HELD,
    OFFICE,
    label=_("Record the interview"),
    guards=[not_in_the_future],
)
INTERVIEW.transition("interview.no_show", {I.BOOKED}, I.NO_SHOW, OFFICE, label=_("Did not come"))
INTERVIEW.transition("interview.cancel", {I.BOOKED}, I.CANCELLED, OFFICE, label=_("Cancelled"))
MISSED = {I.NO_SHOW: "interview.no_show", I.CANCELLED: "interview.cancel"}
# A booked interview moved to another day or time stays booked (the person is told again).
INTERVIEW.transition(
    "interview.reschedule", {I.BOOKED}, I.BOOKED, OFFICE, label=_("Move the appointment")
)


def own_interview(user, interview: Interview):
    if interview.person.account_id is not None and interview.person.account_id == user.pk:
        return None
    return refuse(_("Only the person the appointment is with may cancel it here."), "not_own")


def not_started(user, appointment):
    from django.utils import timezone

    start = appointment.starts_at
    if start is not None and start <= timezone.now():
        return refuse(
            _("This appointment has already started: contact the office to change it."),
            "appointment_started",
        )
    return None


# The person cancels an appointment of theirs from their own page, until it starts.
INTERVIEW.transition(
    "interview.cancel_own",
    {I.BOOKED},
    I.CANCELLED,
    {Role.APPLICANT},
    who=own_interview,
    guards=[not_started],
    label=_("Cancel the appointment"),
)

# Slots the office offers for interviews


def slot_free(user, slot: Slot):
    if not slot.is_free:
        return refuse(
            _("This time has just been booked by someone else: choose another one."), "slot_taken"
        )
    return None


def slot_ahead(user, slot: Slot):
    from django.utils import timezone

    if slot.starts_at <= timezone.now():
        return refuse(_("This time has already passed: choose another one."), "slot_past")
    return None


SLOT_ACTIONS = (
    rules.Action("slot.publish", OFFICE, label=_("Offer a time")),
    rules.Action("slot.withdraw", OFFICE, label=_("Withdraw"), guards=(slot_free,)),
    rules.Action(
        "slot.book", frozenset({Role.APPLICANT}), label=_("Book"), guards=(slot_free, slot_ahead)
    ),
)

# Referrals: the outcome can be corrected once recorded (the company changes its mind).

O = ReferralOutcome  # noqa: E741
REFERRAL = Workflow(Referral, "outcome", initial=O.PROPOSED)
OUTCOME_TRANSITIONS = {
    O.HIRED: "referral.hire",
    O.NOT_CHOSEN: "referral.not_chosen",
    O.REFUSED: "referral.refuse",
    O.NO_SHOW: "referral.no_show",
}
for _outcome, _name in OUTCOME_TRANSITIONS.items():
    REFERRAL.transition(_name, set(O.values), _outcome, OFFICE, label=O(_outcome).label)

# The individual plan

G = GoalStatus
GOAL = Workflow(Goal, "status", initial=G.OPEN)
GOAL.transition("goal.achieve", {G.OPEN}, G.ACHIEVED, OFFICE, label=_("Achieved"))
GOAL.transition("goal.drop", {G.OPEN}, G.DROPPED, OFFICE, label=_("Dropped"))
GOAL.transition("goal.reopen", {G.ACHIEVED, G.DROPPED}, G.OPEN, OFFICE, label=_("Open again"))
GOAL_TRANSITIONS = {G.ACHIEVED: "goal.achieve", G.DROPPED: "goal.drop", G.OPEN: "goal.reopen"}

A = ActionStatus
ACTION = Workflow(Action, "status", initial=A.TODO)
ACTION.transition("action.complete", {A.TODO}, A.DONE, OFFICE, label=_("Done"))
ACTION.transition("action.cancel", {A.TODO}, A.CANCELLED, OFFICE, label=_("Cancelled"))
ACTION.transition("action.reopen", {A.DONE, A.CANCELLED}, A.TODO, OFFICE, label=_("To do"))
ACTION_TRANSITIONS = {
    A.DONE: "action.complete",
    A.CANCELLED: "action.cancel",
    A.TODO: "action.reopen",
}

# Enrolments in the services

E = EnrolmentStatus
ENROLMENT = Workflow(Enrolment, "status", initial=E.ENROLLED)
ENROLMENT.transition("enrolment.complete", {E.ENROLLED}, E.COMPLETED, OFFICE, label=_("Completed"))
ENROLMENT.transition("enrolment.withdraw", {E.ENROLLED}, E.WITHDRAWN, OFFICE, label=_("Withdrawn"))
ENROLMENT.transition(
    "enrolment.reopen", {E.COMPLETED, E.WITHDRAWN}, E.ENROLLED, OFFICE, label=_("Enrolled")
)
ENROLMENT_TRANSITIONS = {
    E.COMPLETED: "enrolment.complete",
    E.WITHDRAWN: "enrolment.withdraw",
    E.ENROLLED: "enrolment.reopen",
}

# Vacancies

V = VacancyStatus
VACANCY = Workflow(Vacancy, "status", initial=V.OPEN)
VACANCY.transition(
    "vacancy.close", {V.OPEN}, V.CLOSED, OFFICE_AND_PARTNERS, who=of_the_partner, label=_("Close")
)
VACANCY.transition(
    "vacancy.reopen",
    {V.CLOSED},
    V.OPEN,
    OFFICE_AND_PARTNERS,
    who=of_the_partner,
    label=_("Open again"),
)
VACANCY_TRANSITIONS = {V.CLOSED: "vacancy.close", V.OPEN: "vacancy.reopen"}


def _office(name: str, label) -> rules.Action:
    return rules.Action(name, OFFICE, label=label)


register(
    READ_CV,
    REGISTRATION,
    INTERVIEW,
    REFERRAL,
    GOAL,
    ACTION,
    ENROLMENT,
    VACANCY,
    *SLOT_ACTIONS,
    _office("registration.assign", _("Assign")),
    _office("registration.record_contact_attempt", _("Record a contact attempt")),
    _office("interview.book", _("Book an interview")),
    _office("goal.add", _("Add a goal")),
    _office("action.add", _("Add an action")),
    _office("service.create", _("New service")),
    _office("enrolment.create", _("Enrol")),
    _office("enrolment.record_attendance", _("Record attendance")),
    _office("referral.create", _("Propose")),
    _office("vacancy.send", _("Send the vacancy")),
    rules.Action(
        "vacancy.save", OFFICE_AND_PARTNERS, label=_("Save the vacancy"), who=of_the_partner
    ),
)
