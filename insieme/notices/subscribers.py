"""Which events become notices, for whom, saying what (in Italian), leading where.

Each handler gets the event and its object (loaded from the event's reference) and returns the
kind and the drafts; `services.write` leaves out whoever made the change. Texts name records by
their codes and dates only: no names, no codici fiscali, nothing a recipient may not see. Funders
are never recipients (they see figures, not people).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from insieme.core.events import subscribe
from insieme.core.models import Event
from insieme.notices.models import Kind
from insieme.notices.services import Draft, write

SUBSCRIBER = "notices"

Handler = Callable[[Event, Any], Iterable[Draft]]
HANDLERS: dict[str, tuple[Kind, Handler]] = {}


def handles(kind: Kind, *names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = (kind, handler)
        return handler

    return register


def _day(value: Any) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _when(interview: Any) -> str:
    day = _day(interview.date)
    if getattr(interview, "time", None):
        return _("%(day)s at %(time)s") % {"day": day, "time": interview.time.strftime("%H:%M")}
    return day


def _account(person: Any) -> Any:
    return getattr(person, "account", None) if person is not None else None


def _person_page(person: Any) -> str:
    return reverse("people:detail", args=[person.pk])


# --- appointments ---------------------------------------------------------------------------


@handles(Kind.APPOINTMENTS, "interview.scheduled", "interview.rescheduled")
def interview_booked(event: Event, interview: Any) -> Iterable[Draft]:
    when = _when(interview)
    if event.name == "interview.rescheduled":
        mine = _("Your appointment has been moved to %(when)s.") % {"when": when}
        theirs = _("Interview %(code)s moved to %(when)s.") % {"code": interview.code, "when": when}
    else:
        mine = _("You have an appointment on %(when)s.") % {"when": when}
        theirs = _("Interview %(code)s booked for %(when)s.") % {
            "code": interview.code,
            "when": when,
        }
    # The person gets the invitation by e-mail from the service that booked it.
    yield Draft(_account(interview.person), mine, reverse("people:mine"), email=False)
    yield Draft(interview.operator, theirs, _person_page(interview.person))


@handles(Kind.APPOINTMENTS, "interview.cancel")
def interview_cancelled(event: Event, interview: Any) -> Iterable[Draft]:
    when = _when(interview)
    yield Draft(
        _account(interview.person),
        _("Your appointment of %(when)s has been cancelled.") % {"when": when},
        reverse("people:mine"),
        email=False,  # the cancellation is e-mailed, with its .ics, by the appointment itself
    )
    yield Draft(
        interview.operator,
        _("Interview %(code)s of %(when)s has been cancelled.")
        % {"code": interview.code, "when": when},
        _person_page(interview.person),
    )


@handles(Kind.APPOINTMENTS, "interview.reminder_sent")
def interview_reminder(event: Event, interview: Any) -> Iterable[Draft]:
    yield Draft(
        _account(interview.person),
        _("Reminder: your appointment is on %(when)s.") % {"when": _when(interview)},
        reverse("people:mine"),
        email=False,  # the reminder is e-mailed by the appointment itself
        sms=True,
    )


@handles(Kind.APPOINTMENTS, "registration.book_first_interview")
def first_interview_booked(event: Event, registration: Any) -> Iterable[Draft]:
    yield Draft(
        _account(registration.person),
        _("You are invited to a first interview: the details are in your profile."),
        reverse("people:mine"),
        email=False,
    )


# --- applications ---------------------------------------------------------------------------


def _own_application(application: Any) -> str:
    return reverse("calls:application", args=[application.pk])


@handles(Kind.APPLICATIONS, "application.submit")
def application_submitted(event: Event, application: Any) -> Iterable[Draft]:
    yield Draft(
        application.owner,
        _("Application %(code)s has been submitted.") % {"code": application.code},
        _own_application(application),
        email=False,  # the receipt is e-mailed by the submission
    )


@handles(Kind.APPLICATIONS, "application.declare_eligible", "application.declare_ineligible")
def application_screened(event: Event, application: Any) -> Iterable[Draft]:
    if event.name == "application.declare_eligible":
        text = _("Application %(code)s is admissible and is being evaluated.")
    else:
        text = _("Application %(code)s has not been found admissible.")
    yield Draft(
        application.owner,
        text % {"code": application.code},
        _own_application(application),
        email=False,
    )


@handles(Kind.APPLICATIONS, "application.outcome_decided")
def outcome_decided(event: Event, application: Any) -> Iterable[Draft]:
    yield Draft(
        application.owner,
        _("The outcome of application %(code)s is available.") % {"code": application.code},
        _own_application(application),
        email=False,  # the outcome letter is e-mailed by the decision
    )


@handles(Kind.APPLICATIONS, "information_request.sent")
def information_requested(event: Event, request: Any) -> Iterable[Draft]:
    application = request.application
    yield Draft(
        application.owner,
        _("The office asks for information on application %(code)s.") % {"code": application.code},
        _own_application(application),
        email=False,
    )


@handles(Kind.APPLICATIONS, "information_request.answered")
def information_answered(event: Event, request: Any) -> Iterable[Draft]:
    application = request.application
    yield Draft(
        request.created_by,
        _("Application %(code)s answered your request for information.")
        % {"code": application.code},
        reverse("calls:review", args=[application.pk]),
    )


# --- projects and grants ----------------------------------------------------------------------


def _project_of(application: Any) -> Any:
    return getattr(application, "project", None)


def _project_drafts(application: Any, text: str, *, coaches: bool) -> Iterable[Draft]:
    project = _project_of(application)
    if project is None:
        return
    url = reverse("projects:detail", args=[project.pk])
    for user in project.reporting_users.all():
        yield Draft(user, text, url)
    if application.owner is not None:
        yield Draft(application.owner, text, url)
    if coaches:
        for user in project.coaches.all():
            yield Draft(user, text, url)


@handles(Kind.PROJECTS, "milestone.reach", "milestone.miss")
def milestone_moved(event: Event, milestone: Any) -> Iterable[Draft]:
    application = milestone.project.application
    if event.name == "milestone.reach":
        text = _("Milestone “%(title)s” of project %(code)s reached.")
    else:
        text = _("Milestone “%(title)s” of project %(code)s missed.")
    values = {"title": milestone.title, "code": application.code}
    yield from _project_drafts(application, text % values, coaches=True)


@handles(
    Kind.PROJECTS,
    "expense.approve",
    "expense.reject",
    "final_report.approve",
    "final_report.reject",
)
def report_reviewed(event: Event, item: Any) -> Iterable[Draft]:
    application = item.grant.application
    texts = {
        "expense.approve": _("An expense reported on project %(code)s has been approved."),
        "expense.reject": _("An expense reported on project %(code)s has been rejected."),
        "final_report.approve": _("The final report of project %(code)s has been approved."),
        "final_report.reject": _("The final report of project %(code)s has been rejected."),
    }
    text = texts[event.name] % {"code": application.code}
    yield from _project_drafts(application, text, coaches=True)


@handles(Kind.PROJECTS, "disbursement.paid")
def disbursement_paid(event: Event, disbursement: Any) -> Iterable[Draft]:
    application = disbursement.grant.application
    text = _("A payment on the grant of project %(code)s has been recorded.") % {
        "code": application.code
    }
    yield from _project_drafts(application, text, coaches=False)


# --- people followed --------------------------------------------------------------------------


def _followers(person: Any) -> Iterable[Any]:
    for registration in person.registrations.exclude(assigned_to=None).select_related(
        "assigned_to"
    ):
        yield registration.assigned_to


@handles(Kind.PEOPLE, "placement.recorded")
def placement_recorded(event: Event, placement: Any) -> Iterable[Draft]:
    text = _("Placement %(code)s has been recorded.") % {"code": placement.code}
    for user in _followers(placement.person):
        yield Draft(user, text, _person_page(placement.person))


@handles(Kind.PEOPLE, "signup.duplicate")
def signed_up_again(event: Event, registration: Any) -> Iterable[Draft]:
    yield Draft(
        registration.assigned_to,
        _("A person you follow has signed up again."),
        _person_page(registration.person),
    )


# --- delivery ---------------------------------------------------------------------------------


def _object_of(event: Event) -> Any:
    if event.object_type is None or not event.object_id:
        return None
    model = event.object_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=event.object_id).first()


def on_event(event: Event) -> int:
    """The subscriber: the notices of one event (none when its object is gone)."""
    kind, handler = HANDLERS[event.name]
    obj = _object_of(event)
    if obj is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        drafts = list(handler(event, obj))
        return len(write(event=event.name, kind=kind, drafts=drafts, actor_id=event.actor_id))


def subscribe_all() -> None:
    for name in HANDLERS:
        subscribe(name, on_event, name=SUBSCRIBER)
