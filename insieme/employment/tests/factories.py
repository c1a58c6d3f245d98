"""Small builders for employment tests (real models, real services)."""

import datetime
import itertools
from decimal import Decimal

from codicefiscale import codicefiscale

from insieme.core.models import Comune, ContractType
from insieme.employment import links
from insieme.employment.models import JobProfile, Registration, RegistrationStatus, Vacancy
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements import services as placement_services

_counter = itertools.count(1)


def comune(name: str) -> Comune:
    return Comune.objects.get(name=name)


def fiscal_code(last_name: str = "Rossi", first_name: str = "Maria") -> str:
    n = next(_counter)
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * n)
    return codicefiscale.encode(
        lastname=last_name,
        firstname=first_name,
        gender="F",
        birthdate=birth.strftime("%d/%m/%Y"),
        birthplace="Bologna",
    )


def person(last_name: str = "Rossi", first_name: str = "Maria", home: str = "Bologna", **extra):
    return Person.objects.create(
        fiscal_code=fiscal_code(last_name, first_name),
        last_name=last_name,
        first_name=first_name,
        residence_comune=comune(home),
        email=extra.pop("email", f"{first_name.lower()}.{last_name.lower()}@example.org"),
        **extra,
    )


def registration(person_obj=None, *, on=None, cv_consent=True, **extra) -> Registration:
    from django.utils import timezone

    person_obj = person_obj or person()
    if cv_consent:
        links.record_cv_consent(person_obj, by=None)
    extra.setdefault("status", RegistrationStatus.WAITING)
    return Registration.objects.create(
        person=person_obj, registered_on=on or timezone.localdate(), **extra
    )


def profile(person_obj, *, skills=(), wished=(), **extra) -> JobProfile:
    job_profile = JobProfile.objects.create(person=person_obj, skills=list(skills), **extra)
    job_profile.wished_contracts.set(ContractType.objects.filter(code__in=wished))
    return job_profile


def organisation(name: str = "Cooperativa Aurora", **extra) -> Organisation:
    n = next(_counter)
    return Organisation.objects.create(
        fiscal_code=f"{n:011d}", name=name, is_partner=True, is_employer=True, **extra
    )


def vacancy(org=None, *, where: str = "Bologna", contract: str = "determinato", **extra) -> Vacancy:
    extra.setdefault("weekly_hours", Decimal("38"))
    return Vacancy.objects.create(
        organisation=org or organisation(),
        title=extra.pop("title", "Aiuto cuoco"),
        comune=comune(where),
        contract_type=ContractType.objects.get(code=contract),
        **extra,
    )


def placement(person_obj, *, by, contract: str = "determinato", **extra):
    extra.setdefault("start_date", datetime.date(2026, 1, 12))
    return placement_services.record_placement(
        person=person_obj,
        employer=extra.pop("employer", None) or organisation(),
        contract_type=ContractType.objects.get(code=contract),
        by=by,
        **extra,
    )
