"""A person's path through the employment services, as dated events (newest first)."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from insieme.employment.models import (
    ContactAttempt,
    FollowUp,
    InterviewStatus,
    Placement,
    Referral,
    ReferralOutcome,
)
from insieme.people.models import Person


@dataclass(frozen=True)
class Event:
    date: datetime.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""


def person_timeline(person: Person) -> list[Event]:
    events: list[Event] = []
    for registration in person.registrations.all():
        events.append(
            Event(
                registration.registered_on, "iscrizione", _("Signed up to the employment services")
            )
        )
        if registration.closed_on:
            events.append(
                Event(
                    registration.closed_on,
                    "chiusura",
                    _("Sign-up closed"),
                    registration.closing_note,
                )
            )
    for attempt in ContactAttempt.objects.filter(registration__person=person):
        events.append(
            Event(attempt.date, "contatto", _("Contact attempt"), attempt.get_outcome_display())
        )
    for interview in person.interviews.all():
        url = reverse("employment:interview", args=[interview.pk])
        if interview.status == InterviewStatus.BOOKED:
            title = _("%(kind)s booked") % {"kind": interview.get_kind_display()}
        elif interview.status == InterviewStatus.HELD:
            title = _("%(kind)s held") % {"kind": interview.get_kind_display()}
        else:
            title = _("%(kind)s: %(status)s") % {
                "kind": interview.get_kind_display(),
                "status": interview.get_status_display(),
            }
        events.append(Event(interview.date, "colloquio", title, interview.code, url))
    for goal in person.plan_goals.all():
        events.append(Event(goal.created_at.date(), "piano", _("Plan goal"), goal.title))
    for enrolment in person.enrolments.select_related("service"):
        events.append(
            Event(
                enrolment.enrolled_on,
                "servizio",
                _("Enrolled in a service"),
                str(enrolment.service),
            )
        )
    referrals = Referral.objects.filter(person=person).select_related("vacancy__organisation")
    for referral in referrals:
        vacancy_url = reverse("employment:vacancy", args=[referral.vacancy_id])
        events.append(
            Event(
                referral.proposed_on,
                "segnalazione",
                _("Proposed to %(organisation)s") % {"organisation": referral.vacancy.organisation},
                referral.vacancy.title,
                vacancy_url,
            )
        )
        if referral.outcome != ReferralOutcome.PROPOSED and referral.outcome_on:
            events.append(
                Event(
                    referral.outcome_on,
                    "esito",
                    _("Outcome of the proposal: %(outcome)s")
                    % {"outcome": referral.get_outcome_display()},
                    referral.get_refusal_reason_display() if referral.refusal_reason else "",
                    vacancy_url,
                )
            )
    placements = (
        Placement.objects.filter(person=person)
        .select_related("employer", "contract_type")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.filter(done_on__isnull=False))
        )
    )
    for placement in placements:
        title = (
            _("Traineeship at %(employer)s")
            if placement.is_traineeship
            else _("Extension at %(employer)s")
            if placement.is_extension
            else _("Hired by %(employer)s")
        ) % {"employer": placement.employer}
        events.append(
            Event(
                placement.start_date,
                "inserimento",
                title,
                f"{placement.code} · {placement.contract_type}",
            )
        )
        for check in placement.follow_ups.all():
            assert check.done_on is not None
            events.append(
                Event(
                    check.done_on,
                    "verifica",
                    _("Follow-up at %(months)s months") % {"months": check.months},
                    _("still employed") if check.still_employed else _("no longer employed"),
                )
            )
    events.sort(key=lambda event: event.date, reverse=True)
    return events
