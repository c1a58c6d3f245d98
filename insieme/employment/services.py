"""Write services of the employment line: every change of state goes through here, audited."""

import calendar
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.core.models import Comune
from insieme.core.tasks import send_email
from insieme.employment import appointments, links
from insieme.employment import rules as employment_rules
from insieme.employment.models import (
    Action,
    ActionStatus,
    Attendance,
    ContactAttempt,
    ContactOutcome,
    Enrolment,
    EnrolmentStatus,
    Goal,
    GoalStatus,
    Interview,
    InterviewKind,
    InterviewStatus,
    JobProfile,
    Referral,
    ReferralOutcome,
    Registration,
    RegistrationStatus,
    Service,
    Slot,
    Vacancy,
    VacancyStatus,
)
from insieme.people import services as people_services
from insieme.people.models import ConsentPurpose, Person


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _mail(subject: Any, template: str, context: dict[str, Any], to: str) -> None:
    if not to:
        return
    subject = str(subject)  # in the language of the moment: the task takes plain JSON
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to]))


def _move(registration: Registration, name: str, *, by: Any, **changes: Any) -> None:
    """Move a sign-up along its declared workflow (employment/rules.py), with other changes."""
    if name == "registration.close":
        changes.setdefault("closed_on", timezone.localdate())
    rules.transition(registration, name, by=by, **changes)


def with_code(obj: Any) -> Any:
    """Save a new interview (or placement, placements app) with its readable code (COL-000123,
    INS-000123)."""
    if obj.pk is None:
        obj.code = f"tmp-{uuid.uuid4().hex}"
        obj.save()
    code = f"{obj.CODE_PREFIX}-{obj.pk:06d}"
    # An imported workbook may already use the code this number gives.
    taken = set(type(obj).objects.filter(code__startswith=code).values_list("code", flat=True))
    suffix = 1
    candidate = code
    while candidate in taken:
        suffix += 1
        candidate = f"{code}-{suffix}"
    obj.code = candidate
    obj.save(update_fields=["code"])
    return obj


# Sign-up and waiting list

SIGNUP_DUPLICATE = "signup.duplicate"
# What a sign-up writes on a new person: what was typed, and what the codice fiscale says.
SIGNUP_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "residence_comune",
    "fiscal_code_is_temporary",
    "birth_date",
    "sex",
    "birth_place_code",
    "birth_place",
)
# What an operator at the desk, who has checked who the person is, updates on a known one.
DESK_FIELDS = ("first_name", "last_name", "email", "phone", "residence_comune")


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did, so that the page says what happened and nothing more."""

    registration: Registration
    is_new: bool  # a new sign-up on the waiting list
    emailed: bool  # an e-mail to the person was queued (to the address on file)

    @property
    def already_registered(self) -> bool:
        """The code already had an open sign-up: nothing was created, the office was told."""
        return not self.is_new


def _open_registration(person: Person) -> Registration | None:
    return person.registrations.open().select_related("assigned_to").first()


@service
def sign_up(
    *,
    fiscal_code: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    comune: Comune,
    cv_consent: bool,
    by: Any = None,
) -> SignUp:
    """Put the person on the waiting list; create them in the registry if they are new, with the
    birth date, sex and birthplace their codice fiscale says (as the operator's form does).

    Anyone can type a codice fiscale here, so an anonymous submission leaves an existing
    person's data as they are, records no consent for them, and the e-mail goes to the address
    already on file. A code that already has an open sign-up creates nothing: the person is told
    so by e-mail, and the office hears of it (event `signup.duplicate`, and an e-mail). One open
    sign-up per person is also a database constraint, for two submissions at the same moment.
    """
    candidate = Person(
        fiscal_code=fiscal_code,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        residence_comune=comune,
    )
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    person, created = Person.objects.get_or_create(
        fiscal_code=candidate.fiscal_code,
        defaults={name: getattr(candidate, name) for name in SIGNUP_FIELDS},
    )
    # One sign-up at a time for a person: a second submission waits here for the first.
    person = Person.objects.select_for_update().get(pk=person.pk)
    # An operator signing a person up at the desk has checked who they are: their answers
    # update the record. An anonymous submission never does.
    at_the_desk = bool(by is not None and by.is_authenticated and by.has_role(Role.OPERATOR))
    if not created and at_the_desk:
        for name in DESK_FIELDS:
            setattr(person, name, getattr(candidate, name))
        person.full_clean()
        person.save()
    registration = _open_registration(person)
    is_new = registration is None
    if registration is None:
        try:
            with transaction.atomic():
                registration = rules.create(
                    Registration,
                    by=by,
                    person=person,
                    registered_on=timezone.localdate(),
                    self_signed_up=True,
                )
        except IntegrityError:  # another submission's sign-up, committed in between
            registration = _open_registration(person)
            if registration is None:
                raise
            is_new = False
    if cv_consent and (created or at_the_desk) and not links.has_cv_consent(person):
        links.record_cv_consent(person, by=by, at_the_desk=at_the_desk)
    if is_new:
        _mail(
            _("[Insieme] You are on the waiting list"),
            "employment/email/signed_up.txt",
            {"person": person, "target_days": settings.FIRST_CONTACT_TARGET_DAYS},
            person.email,
        )
    else:
        _mail(
            _("[Insieme] You are already on the waiting list"),
            "employment/email/already_signed_up.txt",
            {"person": person, **office_contacts()},
            person.email,
        )
        _duplicate_sign_up(registration, candidate, at_the_desk=at_the_desk)
    return SignUp(registration=registration, is_new=is_new, emailed=bool(person.email))


def office_contacts() -> dict[str, str]:
    """How people reach the employment services' office (settings OFFICE_EMAIL, OFFICE_PHONE);
    empty values when none is configured (the pages then say where to find them)."""
    return {"office_email": settings.OFFICE_EMAIL, "office_phone": settings.OFFICE_PHONE}


def _office_recipients(registration: Registration) -> list[str]:
    """The office's address and the operator who has the sign-up; every active operator when
    there is neither."""
    recipients = [settings.OFFICE_EMAIL] if settings.OFFICE_EMAIL else []
    operator = registration.assigned_to
    if operator is not None and operator.is_active and operator.email not in recipients:
        recipients.append(operator.email)
    if recipients:
        return recipients
    from insieme.accounts.models import User

    return list(
        User.objects.filter(groups__name=Role.OPERATOR, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _duplicate_sign_up(registration: Registration, submitted: Person, *, at_the_desk: bool) -> None:
    """Someone signed up again with a code that has an open sign-up: the event on the outbox
    (no personal data in it) and, unless an operator did it at the desk, the office's e-mail."""
    from insieme.core.events import emit

    emit(
        SIGNUP_DUPLICATE,
        {
            "registration": {
                "id": registration.pk,
                "person": registration.person_id,
                "status": registration.status,
                "registered_on": registration.registered_on.isoformat(),
            },
            "at_the_desk": at_the_desk,
        },
        obj=registration,
    )
    if at_the_desk:
        return
    subject = str(_("[Insieme] A new sign-up with a codice fiscale already on the list"))
    body = render_to_string(
        "employment/email/duplicate_sign_up_office.txt",
        {
            "registration": registration,
            "person": registration.person,
            "submitted": submitted,
            "site_url": settings.SITE_URL,
        },
    )
    recipients = _office_recipients(registration)
    if recipients:
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=recipients))


@service
def assign(*, registration: Registration, operator: Any, by: Any) -> None:
    rules.require(by, "registration.assign", registration)
    registration.assigned_to = operator
    registration.save(update_fields=["assigned_to"])


@service
def record_contact_attempt(
    *,
    registration: Registration,
    date: datetime.date,
    outcome: str,
    notes: str = "",
    by: Any,
) -> ContactAttempt:
    rules.require(by, "registration.record_contact_attempt", registration)
    closes = outcome == ContactOutcome.DECLINED and registration.status != RegistrationStatus.CLOSED
    if closes:
        # Ask before writing the attempt: a refusal leaves nothing half done.
        rules.require(by, "registration.close", registration)
    # A contact attempt's outcome is what happened on the phone, not a workflow's state.
    attempt = ContactAttempt(
        registration=registration, date=date, outcome=outcome, notes=notes, operator=by
    )
    attempt.save()
    changes: dict[str, Any] = {}
    if registration.assigned_to_id is None:
        changes["assigned_to"] = by
    if outcome == ContactOutcome.REACHED:
        changes["first_contact_on"] = registration.first_contact_on or date
        if registration.status == RegistrationStatus.WAITING:
            _move(registration, "registration.record_first_contact", by=by, **changes)
            return attempt
    elif outcome == ContactOutcome.DECLINED:
        changes["first_contact_on"] = registration.first_contact_on or date
        changes["closing_note"] = str(_("No longer interested"))
        if closes:
            _move(registration, "registration.close", by=by, **changes)
            return attempt
    for name, value in changes.items():
        setattr(registration, name, value)
    registration.save()
    return attempt


@service
def close_registration(*, registration: Registration, note: str, by: Any) -> None:
    _move(registration, "registration.close", by=by, closing_note=note)


# Interviews


@service
def book_interview(
    *,
    person: Person,
    kind: str,
    date: datetime.date,
    time: datetime.time | None,
    place: str,
    operator: Any,
    duration_minutes: int = 60,
    video_url: str = "",
    by: Any,
) -> Interview:
    """Book an interview and e-mail the person its date, time and place, with the `.ics`.

    Booking the first interview counts as the first contact and takes the person off the queue.
    """
    rules.require(by, "interview.book", person)
    appointments.check_when_and_where(
        date=date,
        time=time,
        duration_minutes=duration_minutes,
        place=place,
        video_url=video_url,
        strict=False,
    )
    registration = person.registrations.open().order_by("-registered_on").first()
    if kind == InterviewKind.FIRST:
        if registration is None:
            raise ValidationError(
                _("This person is not on the waiting list: sign them up first."),
                code="not_registered",
            )
        if registration.interviews.filter(
            kind=InterviewKind.FIRST, status__in=[InterviewStatus.BOOKED, InterviewStatus.HELD]
        ).exists():
            raise ValidationError(
                _("The first interview is already booked or held."), code="first_already_booked"
            )
    if kind == InterviewKind.FIRST and registration is not None:
        rules.require(by, "registration.book_first_interview", registration)
    interview = with_code(
        rules.create(
            Interview,
            by=by,
            code=f"tmp-{uuid.uuid4().hex}",
            person=person,
            kind=kind,
            date=date,
            time=time,
            place=place,
            video_url=video_url,
            duration_minutes=duration_minutes,
            operator=operator,
            registration=registration,
        )
    )
    if kind == InterviewKind.FIRST and registration is not None:
        _move(
            registration,
            "registration.book_first_interview",
            by=by,
            first_contact_on=registration.first_contact_on or timezone.localdate(),
            assigned_to=registration.assigned_to or operator,
        )
    appointments.interview_changed(interview, appointments.SCHEDULED)
    return interview


AVAILABILITY_FIELDS = (
    "languages",
    "driving_licence",
    "own_transport",
    "available_hours",
    "available_shifts",
    "constraints",
)
PROFILE_FIELDS = (
    "education",
    "work_history",
    "skills",
    "skills_notes",
    "reach",
    "goals",
)


@service
def record_interview(
    *,
    interview: Interview,
    summary: str,
    profile: dict[str, Any],
    availability: dict[str, Any] | None = None,
    by: Any,
) -> Interview:
    """Record what was said at an interview and update the person's job profile.

    Practical availability goes to the person's registry record (people app).
    """
    if interview.status in (InterviewStatus.CANCELLED, InterviewStatus.NO_SHOW):
        raise ValidationError(
            _("This interview did not take place: book a new one."), code="interview_not_held"
        )
    rules.transition(
        interview,
        "interview.record",
        by=by,
        summary=summary,
        operator=interview.operator or by,
    )
    job_profile, _created = JobProfile.objects.get_or_create(person=interview.person)
    for name in PROFILE_FIELDS:
        if name in profile:
            setattr(job_profile, name, profile[name])
    job_profile.save()
    if "wished_contracts" in profile:
        job_profile.wished_contracts.set(profile["wished_contracts"])
    if availability:
        person = interview.person
        for name in AVAILABILITY_FIELDS:
            if name in availability:
                setattr(person, name, availability[name])
        people_services.save_person(person=person, by=by)
    registration = interview.registration
    if (
        interview.kind == InterviewKind.FIRST
        and registration is not None
        and registration.status == RegistrationStatus.BOOKED
    ):
        _move(registration, "registration.take_in_care", by=by)
    return interview


@service
def mark_interview_missed(*, interview: Interview, status: str, by: Any) -> None:
    """A booked interview that did not happen; a missed first interview puts the person back."""
    if status not in employment_rules.MISSED:
        raise ValidationError(
            _("Choose whether the person did not come or it was cancelled."), code="missed_status"
        )
    if status == InterviewStatus.CANCELLED:
        cancel_interview(interview=interview, reason="", by=by)
        return
    rules.transition(interview, employment_rules.MISSED[InterviewStatus(status)], by=by)
    registration = interview.registration
    if (
        interview.kind == InterviewKind.FIRST
        and registration is not None
        and registration.status == RegistrationStatus.BOOKED
    ):
        _move(registration, "registration.first_interview_missed", by=by)


@service
def reschedule_interview(
    *,
    interview: Interview,
    date: datetime.date,
    time: datetime.time,
    duration_minutes: int,
    place: str,
    video_url: str = "",
    by: Any,
) -> bool:
    """Move a booked interview; the person is told (with the updated `.ics`). A slot it was
    booked in is free again. Whether an e-mail was queued."""
    rules.require(by, "interview.reschedule", interview)
    appointments.check_when_and_where(
        date=date, time=time, duration_minutes=duration_minutes, place=place, video_url=video_url
    )
    previous = {"date": interview.date.isoformat(), "time": str(interview.time or "")}
    rules.transition(
        interview,
        "interview.reschedule",
        by=by,
        date=date,
        time=time,
        duration_minutes=duration_minutes,
        place=place,
        video_url=video_url,
        sequence=interview.sequence + 1,
        reminded_at=None,
    )
    Slot.objects.filter(interview=interview).update(interview=None)
    return appointments.interview_changed(interview, appointments.RESCHEDULED, previous=previous)


@service
def cancel_interview(*, interview: Interview, reason: str, by: Any) -> bool:
    """Cancel a booked interview: by the office, or by the person from their own page (until it
    starts). Its slot is free again; a first interview cancelled puts the person back among
    those to book. The person is told, with the `.ics` that removes it from their calendar.
    Whether an e-mail was queued."""
    own = interview.person.account_id is not None and interview.person.account_id == getattr(
        by, "pk", None
    )
    name = "interview.cancel_own" if own and not by.has_role(Role.OPERATOR) else "interview.cancel"
    rules.transition(
        interview,
        name,
        by=by,
        cancel_reason=reason.strip()[:200],
        sequence=interview.sequence + 1,
    )
    Slot.objects.filter(interview=interview).update(interview=None)
    registration = interview.registration
    if (
        interview.kind == InterviewKind.FIRST
        and registration is not None
        and registration.status == RegistrationStatus.BOOKED
    ):
        move = "registration.first_interview_missed"
        if name == "interview.cancel_own":
            move = "registration.own_first_interview_cancelled"
        _move(registration, move, by=by)
    return appointments.interview_changed(
        interview, appointments.CANCELLED, by_the_person=name == "interview.cancel_own"
    )


# Individual plan and services


@service
def add_goal(*, person: Person, title: str, by: Any) -> Goal:
    rules.require(by, "goal.add", person)
    return rules.create(Goal, by=by, person=person, title=title)


@service
def set_goal_status(*, goal: Goal, status: str, by: Any) -> None:
    rules.transition(goal, employment_rules.GOAL_TRANSITIONS[GoalStatus(status)], by=by)


@service
def add_action(
    *,
    goal: Goal,
    description: str,
    owner: Any,
    due_date: datetime.date | None,
    by: Any,
) -> Action:
    rules.require(by, "action.add", goal)
    return rules.create(
        Action, by=by, goal=goal, description=description, owner=owner, due_date=due_date
    )


@service
def set_action_status(*, action: Action, status: str, by: Any) -> None:
    rules.transition(action, employment_rules.ACTION_TRANSITIONS[ActionStatus(status)], by=by)


@service
def create_service(*, by: Any, **fields: Any) -> Service:
    rules.require(by, "service.create")
    service_ = Service(**fields)
    service_.full_clean(validate_unique=False, validate_constraints=False)
    service_.save()
    return service_


@service
def enrol(*, service_: Service, person: Person, enrolled_on: datetime.date, by: Any) -> Enrolment:
    rules.require(by, "enrolment.create", person)
    if Enrolment.objects.filter(service=service_, person=person).exists():
        raise ValidationError(
            _("%(person)s is already enrolled in this service."),
            code="already_enrolled",
            params={"person": person},
        )
    return rules.create(Enrolment, by=by, service=service_, person=person, enrolled_on=enrolled_on)


@service
def record_attendance(
    *, enrolment: Enrolment, hours_attended: Decimal, status: str, by: Any
) -> None:
    enrolment.hours_attended = hours_attended
    enrolment.clean()
    if status == enrolment.status:
        rules.require(by, "enrolment.record_attendance", enrolment)
        enrolment.hours_attended = hours_attended
        enrolment.save(update_fields=["hours_attended"])
        return
    name = employment_rules.ENROLMENT_TRANSITIONS[EnrolmentStatus(status)]
    rules.transition(enrolment, name, by=by, hours_attended=hours_attended)


MAX_HOURS_A_DAY = Decimal(12)


@service
def record_session(
    *, enrolment: Enrolment, date: datetime.date, hours: Decimal, by: Any
) -> Attendance:
    """Record one day of attendance; the enrolment's hours are the running total."""
    rules.require(by, "enrolment.record_attendance", enrolment)
    if date > timezone.localdate():
        raise ValidationError(
            _("Attendance is recorded once the day has come: choose a date up to today."),
            code="future_attendance",
        )
    if date < enrolment.enrolled_on:
        raise ValidationError(
            _("%(person)s was enrolled on %(date)s: choose a date from then on."),
            code="before_enrolment",
            params={"person": enrolment.person, "date": enrolment.enrolled_on.strftime("%d/%m/%Y")},
        )
    if not 0 < hours <= MAX_HOURS_A_DAY:
        raise ValidationError(
            _("Hours in a day must be more than 0 and at most 12."), code="hours_a_day"
        )
    if enrolment.sessions.filter(date=date).exists():
        raise ValidationError(
            _("Attendance for %(date)s is already recorded."),
            code="attendance_exists",
            params={"date": date.strftime("%d/%m/%Y")},
        )
    session = Attendance.objects.create(enrolment=enrolment, date=date, hours=hours, recorded_by=by)
    Enrolment.objects.filter(pk=enrolment.pk).update(hours_attended=F("hours_attended") + hours)
    return session


# Vacancies, referrals


@service
def save_vacancy(*, vacancy: Vacancy, status: str | None = None, by: Any) -> Vacancy:
    """Enter or change a vacancy; a new status (closing, opening again) is its transition."""
    rules.require(by, "vacancy.save", vacancy)
    # The model's rules (weekly hours, openings), the same the forms apply.
    vacancy.full_clean(
        exclude=["created_by", "status"], validate_unique=False, validate_constraints=False
    )
    if vacancy.pk is None:
        vacancy.created_by = by
        values = {
            f.attname: getattr(vacancy, f.attname)
            for f in Vacancy._meta.concrete_fields
            if not f.primary_key and f.name != "status"
        }
        vacancy = rules.create(Vacancy, by=by, **values)
    else:
        vacancy.save()
    if status and status != vacancy.status:
        rules.transition(
            vacancy, employment_rules.VACANCY_TRANSITIONS[VacancyStatus(status)], by=by
        )
    return vacancy


@service
def refer(*, vacancy: Vacancy, person: Person, note: str = "", by: Any) -> Referral:
    """Propose a candidate to the company: only with the person's consent to share the CV."""
    rules.require(by, "referral.create", vacancy)
    if not links.has_cv_consent(person):
        raise ValidationError(
            _(
                "%(person)s has not agreed to share the CV with partner companies: ask for the "
                "consent before proposing them."
            ),
            code="no_cv_consent",
            params={"person": person},
        )
    if Referral.objects.filter(vacancy=vacancy, person=person).exists():
        raise ValidationError(
            _("%(person)s has already been proposed for this vacancy."),
            code="already_referred",
            params={"person": person},
        )
    referral = rules.create(
        Referral,
        by=by,
        vacancy=vacancy,
        person=person,
        note=note,
        proposed_on=timezone.localdate(),
        proposed_by=by,
    )
    log_event(person, by=by, event="cv_shared", details={"organisation": vacancy.organisation_id})
    return referral


@service
def send_vacancy(*, vacancy: Vacancy, person: Person, by: Any) -> None:
    """E-mail an open vacancy to a person: only with their consent to be contacted for job
    offers (withdrawing it stops these messages at once)."""
    rules.require(by, "vacancy.send", vacancy)
    people_services.require_consent(person, ConsentPurpose.JOB_OFFERS)
    if not person.email:
        raise ValidationError(
            _("%(person)s has no e-mail address: record it on their page, or phone them."),
            code="no_email",
            params={"person": person},
        )
    if not Vacancy.objects.open().filter(pk=vacancy.pk).exists():
        raise ValidationError(
            _("The vacancy is no longer open: it cannot be sent."), code="vacancy_closed"
        )
    _mail(
        _("[Insieme] A job offer for you: %(title)s") % {"title": vacancy.title},
        "employment/email/vacancy.txt",
        {"person": person, "vacancy": vacancy},
        person.email,
    )
    log_event(person, by=by, event="vacancy_sent", details={"vacancy": vacancy.pk})


@service
def record_referral_outcome(
    *,
    referral: Referral,
    outcome: str,
    refusal_reason: str = "",
    notes: str = "",
    date: datetime.date | None = None,
    by: Any,
) -> Referral:
    if outcome == ReferralOutcome.REFUSED and not refusal_reason:
        raise ValidationError(
            _("Say why the candidate refused the offer."), code="refusal_reason_required"
        )
    date = date or timezone.localdate()
    Referral(proposed_on=referral.proposed_on, outcome_on=date).clean()
    rules.transition(
        referral,
        employment_rules.OUTCOME_TRANSITIONS[ReferralOutcome(outcome)],
        by=by,
        refusal_reason=refusal_reason if outcome == ReferralOutcome.REFUSED else "",
        outcome_notes=notes,
        outcome_on=date,
    )
    return referral
