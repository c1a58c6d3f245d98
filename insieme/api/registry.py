"""Endpoints over the registries and the employment services: organisations, people,
vacancies, referrals, placements. Thin layers over the apps' `visible_to` querysets."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Router

from insieme.accounts.models import Role
from insieme.api.core import ApiError, current_user, page_of
from insieme.api.endpoints import ERRORS, PAGE, PAGE_SIZE, STAFF, _page_args
from insieme.api.schemas import (
    Id,
    IsoDate,
    IsoDateTime,
    OrganisationOut,
    PersonOut,
    PlacementOut,
    ReferralOut,
    Text,
    VacancyOut,
    paged,
)
from insieme.core import rules
from insieme.core.audit import log_access
from insieme.employment import links
from insieme.employment.models import (
    Referral,
    ReferralOutcome,
    Vacancy,
    VacancyQuerySet,
    VacancyStatus,
)
from insieme.network.models import NetworkRole, Organisation
from insieme.people.models import EmploymentCondition, Person
from insieme.placements.models import FollowUp, Placement

router = Router()


# --- organisations ------------------------------------------------------------------------------


def organisation_out(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "fiscal_code": organisation.fiscal_code,
        "name": organisation.name,
        "legal_form": organisation.legal_form,
        "third_sector": organisation.third_sector,
        "comune": organisation.comune_id,
        "roles": [str(role.value) for role in organisation.roles],
        "joined_on": organisation.joined_on,
        "ateco_code": organisation.ateco_code,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
    }


ROLE_FIELDS = {
    NetworkRole.PARTNER: "is_partner",
    NetworkRole.EMPLOYER: "is_employer",
    NetworkRole.TRAINING: "is_training",
    NetworkRole.FUNDER: "is_funder",
}


@router.get(
    "/organisations",
    response={200: paged(OrganisationOut), **ERRORS},
    tags=["organisations"],
    summary=gettext_noop("List the organisations"),
    description=gettext_noop(
        "Filter by network role, by comune (ISTAT code) or by part of the name."
    ),
)
def list_organisations(
    request: HttpRequest,
    role: NetworkRole | None = None,
    comune: Text | None = None,
    name: Text | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    organisations = Organisation.objects.visible_to(current_user(request))
    if role:
        organisations = organisations.filter(**{ROLE_FIELDS[role]: True})
    if comune:
        organisations = organisations.filter(comune_id=comune)
    if name:
        organisations = organisations.filter(name__icontains=name)
    return page_of(request, organisations, *_page_args(page, page_size), organisation_out)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    tags=["organisations"],
    summary=gettext_noop("One organisation"),
)
def get_organisation(request: HttpRequest, organisation_id: Id) -> dict[str, Any]:
    organisation = get_object_or_404(
        Organisation.objects.visible_to(current_user(request)), pk=organisation_id
    )
    return organisation_out(organisation)


# --- people (operators) -------------------------------------------------------------------------


def _people_for(user: Any) -> QuerySet[Person]:
    # The registry's API is for the employment office: other roles reach people only through
    # the records they work on (a partner through its referrals).
    if not user.has_role(*STAFF):
        raise ApiError(403, "forbidden", _("Your role does not allow this action."))
    return Person.objects.visible_to(user)


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "fiscal_code": person.fiscal_code,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "residence_comune": person.residence_comune_id,
        "email": person.email,
        "phone": person.phone,
        "employment_condition": person.employment_condition,
        "pseudonymised": person.is_pseudonymised,
        "updated_at": person.updated_at,
    }


@router.get(
    "/people",
    response={200: paged(PersonOut), **ERRORS},
    tags=["people"],
    summary=gettext_noop("List the people (operators)"),
    description=gettext_noop(
        "No filter takes a name or a codice fiscale: personal data never go in a URL."
    ),
)
def list_people(
    request: HttpRequest,
    residence_comune: Text | None = None,
    employment_condition: EmploymentCondition | None = None,
    updated_since: IsoDateTime | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    people = _people_for(current_user(request))
    if residence_comune:
        people = people.filter(residence_comune_id=residence_comune)
    if employment_condition:
        people = people.filter(employment_condition=employment_condition.value)
    if updated_since:
        people = people.filter(updated_at__gte=updated_since)
    return page_of(request, people, *_page_args(page, page_size), person_out)


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **ERRORS},
    tags=["people"],
    summary=gettext_noop("One person (operators)"),
)
def get_person(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    return person_out(get_object_or_404(_people_for(current_user(request)), pk=person_id))


# --- vacancies and referrals --------------------------------------------------------------------


def vacancy_out(vacancy: Vacancy) -> dict[str, Any]:
    return {
        "id": vacancy.pk,
        "organisation": vacancy.organisation_id,
        "title": vacancy.title,
        "ateco_code": vacancy.ateco_code,
        "comune": vacancy.comune_id,
        "contract_type": vacancy.contract_type.code,
        "weekly_hours": vacancy.weekly_hours,
        "shifts": vacancy.shifts,
        "requirements": vacancy.requirements,
        "skills": vacancy.skills,
        "openings": vacancy.openings,
        "deadline": vacancy.deadline,
        "status": vacancy.status,
        "created_at": vacancy.created_at,
    }


def _vacancies_for(user: Any) -> VacancyQuerySet:
    return Vacancy.objects.visible_to(user).select_related("contract_type")


@router.get(
    "/vacancies",
    response={200: paged(VacancyOut), **ERRORS},
    tags=["employment"],
    summary=gettext_noop("List the vacancies"),
    description=gettext_noop("A partner's token sees its own organisation's vacancies only."),
)
def list_vacancies(
    request: HttpRequest,
    status: VacancyStatus | None = None,
    organisation: Id | None = None,
    open_only: bool = False,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    vacancies = _vacancies_for(current_user(request))
    if status:
        vacancies = vacancies.filter(status=status.value)
    if organisation is not None:
        vacancies = vacancies.filter(organisation_id=organisation)
    if open_only:
        vacancies = vacancies.open()
    return page_of(request, vacancies, *_page_args(page, page_size), vacancy_out)


@router.get(
    "/vacancies/{vacancy_id}",
    response={200: VacancyOut, **ERRORS},
    tags=["employment"],
    summary=gettext_noop("One vacancy"),
)
def get_vacancy(request: HttpRequest, vacancy_id: Id) -> dict[str, Any]:
    return vacancy_out(get_object_or_404(_vacancies_for(current_user(request)), pk=vacancy_id))


def referral_out(referral: Referral, user: Any) -> dict[str, Any]:
    """As the vacancy page shows it: a partner reads the name of a proposed person only while
    they agree to share the CV (the consent can be withdrawn after the proposal), and each such
    read is recorded in the audit log."""
    shares_cv = bool(getattr(referral, "shares_cv", False))
    # The CV rule lives once, in employment/rules.py: the office reads every candidate; a
    # partner a candidate referred to it while the consent is in force; an administrator none.
    named = bool(rules.can(user, "person.read_cv", referral.person))
    if named and not user.has_role(Role.OPERATOR):
        log_access(referral.person, by=user, what="referred candidate")
    return {
        "id": referral.pk,
        "vacancy": referral.vacancy_id,
        "candidate": {
            "id": referral.person_id,
            "last_name": referral.person.last_name if named else None,
            "first_name": referral.person.first_name if named else None,
            "shares_cv": shares_cv,
        },
        "proposed_on": referral.proposed_on,
        "note": referral.note,
        "outcome": referral.outcome,
        "refusal_reason": referral.refusal_reason,
        "outcome_on": referral.outcome_on,
    }


def _referrals_for(user: Any) -> QuerySet[Referral]:
    return (
        Referral.objects.visible_to(user)
        .select_related("person")
        .annotate(shares_cv=links.cv_consent_in_force())
    )


@router.get(
    "/referrals",
    response={200: paged(ReferralOut), **ERRORS},
    tags=["employment"],
    summary=gettext_noop("List the referrals (the candidates proposed)"),
    description=gettext_noop(
        "A partner's token sees the candidates referred to its own organisation only, and their names only while they agree to share the CV."
    ),
)
def list_referrals(
    request: HttpRequest,
    vacancy: Id | None = None,
    outcome: ReferralOutcome | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    user = current_user(request)
    referrals = _referrals_for(user)
    if vacancy is not None:
        referrals = referrals.filter(vacancy_id=vacancy)
    if outcome:
        referrals = referrals.filter(outcome=outcome.value)
    return page_of(
        request, referrals, *_page_args(page, page_size), lambda r: referral_out(r, user)
    )


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **ERRORS},
    tags=["employment"],
    summary=gettext_noop("One referral"),
)
def get_referral(request: HttpRequest, referral_id: Id) -> dict[str, Any]:
    user = current_user(request)
    return referral_out(get_object_or_404(_referrals_for(user), pk=referral_id), user)


# --- placements ---------------------------------------------------------------------------------


def _placements_for(user: Any) -> QuerySet[Placement]:
    placements = Placement.objects.visible_to(user).select_related("contract_type")
    if user.has_role(Role.OPERATOR):
        placements = placements.prefetch_related("follow_ups")
    return placements


def follow_up_out(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.pk,
        "months": follow_up.months,
        "due_on": follow_up.due_on,
        "done_on": follow_up.done_on,
        "still_employed": follow_up.still_employed,
        "same_contract": follow_up.same_contract,
        "notes": follow_up.notes,
    }


def placement_out(placement: Placement, user: Any) -> dict[str, Any]:
    # Only the operators' pages show (and record) the follow-ups.
    follow_ups = (
        [follow_up_out(f) for f in placement.follow_ups.all()]
        if user.has_role(Role.OPERATOR)
        else None
    )
    return {
        "id": placement.pk,
        "code": placement.code,
        "person": placement.person_id,
        "employer": placement.employer_id,
        "contract_type": placement.contract_type.code,
        "start_date": placement.start_date,
        "end_date": placement.end_date,
        "weekly_hours": placement.weekly_hours,
        "is_extension": placement.is_extension,
        "application": placement.application_id,
        "referral": placement.referral_id,
        "follow_ups": follow_ups,
    }


@router.get(
    "/placements",
    response={200: paged(PlacementOut), **ERRORS},
    tags=["employment"],
    summary=gettext_noop("List the placements"),
)
def list_placements(
    request: HttpRequest,
    employer: Id | None = None,
    started_from: IsoDate | None = None,
    started_to: IsoDate | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    user = current_user(request)
    placements = _placements_for(user)
    if employer is not None:
        placements = placements.filter(employer_id=employer)
    if started_from:
        placements = placements.filter(start_date__gte=started_from)
    if started_to:
        placements = placements.filter(start_date__lte=started_to)
    return page_of(
        request, placements, *_page_args(page, page_size), lambda p: placement_out(p, user)
    )


@router.get(
    "/placements/{placement_id}",
    response={200: PlacementOut, **ERRORS},
    tags=["employment"],
    summary=gettext_noop("One placement"),
)
def get_placement(request: HttpRequest, placement_id: Id) -> dict[str, Any]:
    user = current_user(request)
    return placement_out(get_object_or_404(_placements_for(user), pk=placement_id), user)
