"""The employment steps on a person's timeline (people.timeline registry), one query or two each.

Registered from EmploymentConfig.ready; the names of the spine providers are reused so that these
richer events replace theirs.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from insieme.employment.models import (
    ContactAttempt,
    Enrolment,
    Goal,
    InterviewStatus,
    Referral,
    ReferralOutcome,
)
from insieme.people.timeline import TimelineEvent, register


def registration_events(person) -> list[TimelineEvent]:
    events = []
    for row in person.registrations.all():
        events.append(
            TimelineEvent(
                row.registered_on, "registration", _("Signed up to the employment services")
            )
        )
        if row.closed_on:
            title = _("Sign-up closed")
            if row.closing_note:
                title = f"{title}: {row.closing_note}"
            events.append(TimelineEvent(row.closed_on, "registration_closed", title))
    return events


def contact_events(person) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            row.date,
            "contact",
            _("Contact attempt: %(outcome)s") % {"outcome": row.get_outcome_display()},
        )
        for row in ContactAttempt.objects.filter(registration__person=person)
    ]


def interview_events(person) -> list[TimelineEvent]:
    events = []
    for row in person.interviews.all():
        kind = row.get_kind_display()
        if row.status == InterviewStatus.BOOKED:
            title = _("%(kind)s booked (%(code)s)") % {"kind": kind, "code": row.code}
        elif row.status == InterviewStatus.HELD:
            title = _("%(kind)s held (%(code)s)") % {"kind": kind, "code": row.code}
        else:
            title = _("%(kind)s: %(status)s") % {"kind": kind, "status": row.get_status_display()}
        url = reverse("employment:interview", args=[row.pk])
        events.append(TimelineEvent(row.date, "interview", title, url))
    return events


def plan_events(person) -> list[TimelineEvent]:
    return [
        TimelineEvent(row.created_at.date(), "plan", _("Plan goal: %(goal)s") % {"goal": row.title})
        for row in Goal.objects.filter(person=person)
    ]


def service_events(person) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            row.enrolled_on,
            "service",
            _("Enrolled in %(service)s") % {"service": row.service.title},
        )
        for row in Enrolment.objects.filter(person=person).select_related("service")
    ]


def referral_events(person) -> list[TimelineEvent]:
    events = []
    for row in Referral.objects.filter(person=person).select_related("vacancy__organisation"):
        url = reverse("employment:vacancy", args=[row.vacancy_id])
        params = {"role": row.vacancy.title, "organisation": row.vacancy.organisation.name}
        events.append(
            TimelineEvent(
                row.proposed_on,
                "referral",
                _("Proposed as %(role)s to %(organisation)s") % params,
                url,
            )
        )
        if row.outcome != ReferralOutcome.PROPOSED and row.outcome_on:
            title = _("Outcome of the proposal to %(organisation)s: %(outcome)s") % {
                **params,
                "outcome": row.get_outcome_display(),
            }
            if row.refusal_reason:
                title = f"{title} ({row.get_refusal_reason_display()})"
            events.append(TimelineEvent(row.outcome_on, "referral_outcome", title, url))
    return events


def register_providers() -> None:
    register("employment.registrations", registration_events)
    register("employment.contacts", contact_events)
    register("employment.interviews", interview_events)
    register("employment.plan", plan_events)
    register("employment.services", service_events)
    register("employment.referrals", referral_events)
