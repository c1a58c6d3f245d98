"""The employment services' first steps: the waiting list (sign-ups and contact attempts) and
the interviews, for the operators.

As the web pages of insieme/employment/views.py (`role_required(Role.OPERATOR)`): operators
only, every sign-up and interview (the waiting list and the agenda are the whole office's; "mine"
is a filter, as on the pages); the values through the pages' own forms (422), then through
`employment.services` (409), which writes the audit log and sends the e-mails as from the page.
"""

import datetime
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Router, Status

from insieme.accounts.models import Role
from insieme.api.core import cleaned, current_user, page_of, require_role
from insieme.api.endpoints import ERRORS, PAGE, PAGE_SIZE, WRITE_ERRORS, _page_args
from insieme.api.schemas import (
    CloseRegistrationIn,
    ContactAttemptIn,
    Id,
    InterviewIn,
    InterviewMissedIn,
    InterviewOut,
    IsoDate,
    RegistrationDetailOut,
    RegistrationOut,
    paged,
)
from insieme.employment import services
from insieme.employment.forms import BookInterviewForm, CloseRegistrationForm, ContactAttemptForm
from insieme.employment.models import (
    QUEUE_STATUSES,
    ContactAttempt,
    Interview,
    InterviewKind,
    InterviewStatus,
    Registration,
    RegistrationQuerySet,
    RegistrationStatus,
)
from insieme.people.models import Person

router = Router(tags=["employment"])


def _registrations_for(user: Any) -> RegistrationQuerySet:
    require_role(user, Role.OPERATOR)
    attempts = (
        ContactAttempt.objects.filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Registration.objects.annotate(attempt_count=Coalesce(Subquery(attempts), 0))


def registration_out(registration: Any, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "id": registration.pk,
        "person": registration.person_id,
        "registered_on": registration.registered_on,
        "status": registration.status,
        "assigned_to": registration.assigned_to_id,
        "first_contact_on": registration.first_contact_on,
        "self_signed_up": registration.self_signed_up,
        "days_waited": registration.days_waited(today),
        "overdue": registration.is_overdue(today),
        "closed_on": registration.closed_on,
        "closing_note": registration.closing_note,
        "contact_attempts": registration.attempt_count,
    }


def registration_detail(registration: Any) -> dict[str, Any]:
    return {
        **registration_out(registration),
        "attempts": [
            {
                "id": a.pk,
                "date": a.date,
                "outcome": a.outcome,
                "notes": a.notes,
                "operator": a.operator_id,
            }
            for a in registration.contact_attempts.all()
        ],
    }


@router.get(
    "/registrations",
    response={200: paged(RegistrationOut), **ERRORS},
    summary=gettext_noop("List the sign-ups to the employment services (operators)"),
    description=gettext_noop(
        "Every sign-up, oldest first. `waiting_list`: only the people waiting for a first contact or for their first interview, as on the waiting list page; `overdue`: only those waiting beyond the first-contact target; `mine`: only those assigned to the token's operator. Other filters: `status`, `assigned_to`, `registered_from`, `registered_to`."
    ),
)
def list_registrations(
    request: HttpRequest,
    status: RegistrationStatus | None = None,
    waiting_list: bool = False,
    overdue: bool = False,
    mine: bool = False,
    assigned_to: Id | None = None,
    registered_from: IsoDate | None = None,
    registered_to: IsoDate | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    user = current_user(request)
    registrations = _registrations_for(user)
    if status:
        registrations = registrations.filter(status=status.value)
    if waiting_list:
        registrations = registrations.filter(status__in=QUEUE_STATUSES)
    if overdue:
        registrations = registrations.overdue()
    if mine:
        registrations = registrations.filter(assigned_to=user)
    if assigned_to is not None:
        registrations = registrations.filter(assigned_to_id=assigned_to)
    if registered_from:
        registrations = registrations.filter(registered_on__gte=registered_from)
    if registered_to:
        registrations = registrations.filter(registered_on__lte=registered_to)
    today = timezone.localdate()
    return page_of(
        request,
        registrations.order_by("registered_on", "created_at", "pk"),
        *_page_args(page, page_size),
        lambda r: registration_out(r, today),
    )


@router.get(
    "/registrations/{registration_id}",
    response={200: RegistrationDetailOut, **ERRORS},
    summary=gettext_noop("One sign-up, with its contact attempts (operators)"),
)
def get_registration(request: HttpRequest, registration_id: Id) -> dict[str, Any]:
    registration = get_object_or_404(_registrations_for(current_user(request)), pk=registration_id)
    return registration_detail(registration)


@router.post(
    "/registrations/{registration_id}/contact-attempts",
    response={201: RegistrationDetailOut, **WRITE_ERRORS},
    summary=gettext_noop("Record an attempt to contact a person on the waiting list (operators)"),
    description=gettext_noop(
        "`raggiunta` (reached) is the first contact and moves a waiting sign-up to contacted; `rinuncia` (no longer interested) closes it. The sign-up goes to the token's operator when nobody has it. The answer is the sign-up with its attempts."
    ),
)
def record_contact_attempt(
    request: HttpRequest, registration_id: Id, body: ContactAttemptIn
) -> Any:
    user = current_user(request)
    registration = get_object_or_404(_registrations_for(user), pk=registration_id)
    form = ContactAttemptForm(
        {
            "date": (body.date or timezone.localdate()).isoformat(),
            "outcome": body.outcome.value,
            "notes": body.notes,
        }
    )
    data = cleaned(form)
    services.record_contact_attempt(registration=registration, by=user, **data)
    return Status(201, registration_detail(_registrations_for(user).get(pk=registration.pk)))


@router.post(
    "/registrations/{registration_id}/close",
    response={200: RegistrationDetailOut, **WRITE_ERRORS},
    summary=gettext_noop("Close a sign-up (operators)"),
    description=gettext_noop(
        "With the reason (`note`). Only an open sign-up: a closed one is not found, as on the page."
    ),
)
def close_registration(request: HttpRequest, registration_id: Id, body: CloseRegistrationIn) -> Any:
    user = current_user(request)
    registration = get_object_or_404(_registrations_for(user).open(), pk=registration_id)
    data = cleaned(CloseRegistrationForm({"note": body.note}))
    services.close_registration(registration=registration, note=data["note"], by=user)
    return registration_detail(_registrations_for(user).get(pk=registration.pk))


# --- interviews ----------------------------------------------------------------------------------


def _interviews_for(user: Any) -> QuerySet[Interview]:
    require_role(user, Role.OPERATOR)
    return Interview.objects.all()


def interview_out(interview: Interview) -> dict[str, Any]:
    return {
        "id": interview.pk,
        "code": interview.code,
        "person": interview.person_id,
        "registration": interview.registration_id,
        "kind": interview.kind,
        "status": interview.status,
        "date": interview.date,
        "time": interview.time,
        "place": interview.place,
        "operator": interview.operator_id,
        "summary": interview.summary,
    }


@router.get(
    "/interviews",
    response={200: paged(InterviewOut), **ERRORS},
    summary=gettext_noop("List the interviews (operators)"),
    description=gettext_noop(
        "Latest first. The agenda page is `status=fissato` from today (`date_from`), `mine` for the token's operator's own. Other filters: `kind`, `person`, `registration`, `date_to`."
    ),
)
def list_interviews(
    request: HttpRequest,
    status: InterviewStatus | None = None,
    kind: InterviewKind | None = None,
    person: Id | None = None,
    registration: Id | None = None,
    mine: bool = False,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    user = current_user(request)
    interviews = _interviews_for(user)
    if status:
        interviews = interviews.filter(status=status.value)
    if kind:
        interviews = interviews.filter(kind=kind.value)
    if person is not None:
        interviews = interviews.filter(person_id=person)
    if registration is not None:
        interviews = interviews.filter(registration_id=registration)
    if mine:
        interviews = interviews.filter(operator=user)
    if date_from:
        interviews = interviews.filter(date__gte=date_from)
    if date_to:
        interviews = interviews.filter(date__lte=date_to)
    return page_of(request, interviews, *_page_args(page, page_size), interview_out)


@router.get(
    "/interviews/{interview_id}",
    response={200: InterviewOut, **ERRORS},
    summary=gettext_noop("One interview (operators)"),
)
def get_interview(request: HttpRequest, interview_id: Id) -> dict[str, Any]:
    return interview_out(get_object_or_404(_interviews_for(current_user(request)), pk=interview_id))


@router.post(
    "/people/{person_id}/interviews",
    response={201: InterviewOut, **WRITE_ERRORS},
    summary=gettext_noop("Book an interview (operators)"),
    description=gettext_noop(
        "As the booking page: the person receives the e-mail with the date and the place. The first interview (`primo_colloquio`) needs the person on the waiting list, once; it counts as the first contact and takes the person off the list."
    ),
)
def book_interview(request: HttpRequest, person_id: Id, body: InterviewIn) -> Any:
    user = current_user(request)
    require_role(user, Role.OPERATOR)
    person = get_object_or_404(Person.objects.visible_to(user), pk=person_id)
    form = BookInterviewForm(
        {
            "kind": body.kind.value,
            "date": body.date.isoformat(),
            "time": body.time,
            "place": body.place,
            "operator": str(body.operator or user.pk),
        }
    )
    data = cleaned(form)
    interview = services.book_interview(person=person, by=user, **data)
    return Status(201, interview_out(interview))


@router.post(
    "/interviews/{interview_id}/missed",
    response={200: InterviewOut, **WRITE_ERRORS},
    summary=gettext_noop("Record that a booked interview did not take place (operators)"),
    description=gettext_noop(
        "Only a booked interview (another is not found, as on the page). A first interview missed puts the person back on the waiting list, to be booked again."
    ),
)
def mark_interview_missed(request: HttpRequest, interview_id: Id, body: InterviewMissedIn) -> Any:
    user = current_user(request)
    interview = get_object_or_404(
        _interviews_for(user).filter(status=InterviewStatus.BOOKED), pk=interview_id
    )
    services.mark_interview_missed(interview=interview, status=body.status, by=user)
    return interview_out(Interview.objects.get(pk=interview.pk))
