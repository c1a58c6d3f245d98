"""The operator's worklist on the home page (`insieme.core.worklist`): people to contact, waits
over the target, today's interviews, people whose referral waits for its outcome. Each entry
counts the rows of the filtered list it links to (the same filters, in the views)."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from insieme.accounts.models import Role
from insieme.core import worklist
from insieme.employment.models import (
    Interview,
    Referral,
    ReferralOutcome,
    Registration,
    RegistrationStatus,
)

# The values of the lists' ``filtro`` / ``giorno`` parameters.
QUEUE_TO_CONTACT = "da_contattare"
QUEUE_OVERDUE = "in_ritardo"
AGENDA_TODAY = "oggi"
CASELOAD_AWAITING_OUTCOME = "esito_segnalazione"
VACANCIES_AWAITING_ANSWER = "candidati_in_attesa"
CASELOAD_STATUSES = (RegistrationStatus.BOOKED, RegistrationStatus.ACTIVE)


def awaiting_outcome_filter() -> Q:
    """Registrations whose person has a referral still waiting for the company's answer."""
    return Q(
        Exists(Referral.objects.filter(person=OuterRef("person"), outcome=ReferralOutcome.PROPOSED))
    )


def _waited(registration: Registration, today: datetime.date) -> str:
    days = registration.days_waited(today)
    return ngettext("waiting for %(days)d day", "waiting for %(days)d days", days) % {"days": days}


def _registration_row(registration: Registration, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        str(registration.person),
        reverse("employment:contact", args=[registration.pk]),
        _waited(registration, today),
    )


def to_contact(user: Any, today: datetime.date):
    return Registration.objects.queue().to_contact()


def overdue(user: Any, today: datetime.date):
    return Registration.objects.queue().overdue(today)


def interviews_today(user: Any, today: datetime.date):
    return Interview.objects.agenda().filter(date=today, operator=user)


def _interview_row(interview: Interview, today: datetime.date) -> worklist.Row:
    when = time_format(interview.time) if interview.time else ""
    return worklist.Row(
        str(interview.person),
        reverse("employment:interview", args=[interview.pk]),
        " · ".join(part for part in (when, interview.get_kind_display()) if part),
    )


def awaiting_outcome(user: Any, today: datetime.date):
    return (
        Registration.objects.filter(status__in=CASELOAD_STATUSES, assigned_to=user)
        .filter(awaiting_outcome_filter())
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def _caseload_row(registration: Registration, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        str(registration.person), reverse("employment:person", args=[registration.person_id])
    )


def register() -> None:
    register_partner()
    worklist.register(
        worklist.Entry(
            key="employment.to_contact",
            role=Role.OPERATOR,
            label=_("People to contact"),
            items=to_contact,
            url=lambda user, today: reverse("employment:queue") + f"?filtro={QUEUE_TO_CONTACT}",
            row=_registration_row,
            order=10,
        )
    )
    worklist.register(
        worklist.Entry(
            key="employment.overdue",
            role=Role.OPERATOR,
            label=_("Waits over the target"),
            items=overdue,
            url=lambda user, today: reverse("employment:queue") + f"?filtro={QUEUE_OVERDUE}",
            row=_registration_row,
            late=True,
            order=20,
        )
    )
    worklist.register(
        worklist.Entry(
            key="employment.interviews_today",
            role=Role.OPERATOR,
            label=_("Interviews today"),
            items=interviews_today,
            url=lambda user, today: reverse("employment:agenda") + f"?giorno={AGENDA_TODAY}",
            row=_interview_row,
            order=30,
        )
    )
    worklist.register(
        worklist.Entry(
            key="employment.awaiting_outcome",
            role=Role.OPERATOR,
            label=_("Referrals waiting for the outcome"),
            items=awaiting_outcome,
            url=lambda user, today: (
                reverse("employment:caseload") + f"?filtro={CASELOAD_AWAITING_OUTCOME}"
            ),
            row=_caseload_row,
            order=50,
        )
    )


def referred_to_partner(user: Any, today: datetime.date):
    """The candidates proposed to the partner's organisations, still waiting for its answer."""
    return (
        Referral.objects.visible_to(user)
        .filter(outcome=ReferralOutcome.PROPOSED)
        .select_related("person", "vacancy")
        .order_by("-proposed_on", "-pk")
    )


def _referral_row(referral: Referral, today: datetime.date) -> worklist.Row:
    return worklist.Row(
        f"{referral.person} — {referral.vacancy.title}",
        reverse("employment:vacancy", args=[referral.vacancy_id]) + "#candidati",
        date_format(referral.proposed_on, "SHORT_DATE_FORMAT"),
    )


def register_partner() -> None:
    worklist.register(
        worklist.Entry(
            key="employment.referred_to_partner",
            role=Role.PARTNER,
            label=_("Candidates proposed to you, waiting for your answer"),
            items=referred_to_partner,
            url=lambda user, today: (
                reverse("employment:vacancy_list") + f"?filtro={VACANCIES_AWAITING_ANSWER}"
            ),
            row=_referral_row,
            order=10,
        )
    )
