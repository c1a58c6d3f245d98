"""Matching people and vacancies: a ranked list with the reasons, for an operator to decide.

Nothing is sent from here: a referral is a separate, deliberate act (services.refer).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from insieme.core.models import Comune
from insieme.employment import links
from insieme.employment.models import (
    JobProfile,
    Reach,
    Registration,
    RegistrationStatus,
    Vacancy,
)
from insieme.employment.skills import labels_for
from insieme.people.models import Person, Shift

SKILL_POINTS = 3
SAME_COMUNE_POINTS = 3
SAME_DISTRICT_POINTS = 2
DECENTRALISED_POINTS = 1
HOURS_POINTS = 1
HOURS_TOLERANCE = 2
SHIFT_WORKERS = {Shift.ANY, Shift.NIGHT, Shift.WEEKENDS}
CONTRACT_POINTS = 2


@dataclass
class Match:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: bool = False


@dataclass
class CandidateMatch:
    person: Person
    match: Match
    # Whether the person agreed to be contacted for job offers (the vacancy can be e-mailed).
    contactable: bool = False


@dataclass
class VacancyMatch:
    vacancy: Vacancy
    match: Match
    contactable: bool = False


def explain(profile: JobProfile, home: Comune | None, vacancy: Vacancy) -> Match:
    """Score one person against one vacancy and say why, in words an operator reads."""
    result = Match()

    shared = [code for code in vacancy.skills if code in set(profile.skills)]
    if shared:
        result.score += SKILL_POINTS * len(shared)
        result.reasons.append(
            _("Skills in common: %(skills)s") % {"skills": ", ".join(labels_for(shared))}
        )
    elif vacancy.skills:
        result.warnings.append(_("No skill in common"))

    place = vacancy.comune
    if home is not None and home.pk == place.pk:
        result.score += SAME_COMUNE_POINTS
        result.reasons.append(_("Lives in the same comune (%(comune)s)") % {"comune": place.name})
    elif home is not None and home.district_id and home.district_id == place.district_id:
        result.score += SAME_DISTRICT_POINTS
        result.reasons.append(
            _("Lives in the same district (%(district)s)")
            % {"district": place.district.name if place.district else ""}
        )
        if profile.reach == Reach.SAME_COMUNE:
            result.excluded = True
            result.warnings.append(_("Wants to work only in their own comune"))
    else:
        if home is not None and home.decentralised and place.decentralised:
            result.score += DECENTRALISED_POINTS
            result.reasons.append(_("Both in the decentralised area"))
        if profile.reach in (Reach.SAME_COMUNE, Reach.SAME_DISTRICT):
            result.excluded = True
            result.warnings.append(_("The workplace is farther than they can travel"))
        elif not profile.person.own_transport:
            result.warnings.append(_("Farther away, and no own means of transport"))

    person = profile.person
    if vacancy.weekly_hours and person.available_hours:
        if person.available_hours + HOURS_TOLERANCE >= vacancy.weekly_hours:
            result.score += HOURS_POINTS
            result.reasons.append(_("Hours fit their availability"))
        else:
            result.warnings.append(
                _("Available for %(available)s hours a week, the job needs %(needed)s")
                % {
                    "available": person.available_hours,
                    "needed": f"{vacancy.weekly_hours:g}",
                }
            )
    if vacancy.shifts and person.available_shifts and person.available_shifts not in SHIFT_WORKERS:
        result.warnings.append(
            _("Shifts required; available: %(shifts)s")
            % {"shifts": person.get_available_shifts_display()}
        )

    wished = {contract.pk for contract in profile.wished_contracts.all()}
    if vacancy.contract_type_id in wished:
        result.score += CONTRACT_POINTS
        result.reasons.append(
            _("Contract wished: %(contract)s") % {"contract": vacancy.contract_type.name}
        )
    elif wished:
        result.warnings.append(_("Hopes for another kind of contract"))
    return result


def _profiles():
    return JobProfile.objects.select_related("person__residence_comune__district").prefetch_related(
        "wished_contracts"
    )


def candidates_for(vacancy: Vacancy, limit: int = 20) -> list[CandidateMatch]:
    """People in the programme who fit the vacancy, best first; those already proposed left out."""
    active = Registration.objects.filter(
        status__in=[
            RegistrationStatus.BOOKED,
            RegistrationStatus.ACTIVE,
            RegistrationStatus.CONTACTED,
        ]
    ).values("person_id")
    profiles = (
        _profiles()
        .filter(person_id__in=active)
        .exclude(person__referrals__vacancy=vacancy)
        .annotate(contactable=links.job_offers_consent_in_force())
    )
    matches = [
        CandidateMatch(
            profile.person,
            explain(profile, profile.person.residence_comune, vacancy),
            contactable=profile.contactable,
        )
        for profile in profiles
    ]
    matches = [m for m in matches if not m.match.excluded]
    matches.sort(key=lambda m: (-m.match.score, m.person.last_name, m.person.first_name))
    return matches[:limit]


def vacancies_for(person: Person, limit: int = 10) -> list[VacancyMatch]:
    """Open vacancies that fit the person, best first."""
    profile = _profiles().filter(person=person).first()
    if profile is None:
        return []
    vacancies = (
        Vacancy.objects.open()
        .select_related("organisation", "comune__district", "contract_type")
        .exclude(referrals__person=person)
    )
    contactable = links.has_job_offers_consent(person)
    matches = [
        VacancyMatch(
            vacancy, explain(profile, person.residence_comune, vacancy), contactable=contactable
        )
        for vacancy in vacancies
    ]
    matches = [m for m in matches if not m.match.excluded]
    matches.sort(key=lambda m: (-m.match.score, m.vacancy.title))
    return matches[:limit]
