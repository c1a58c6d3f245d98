"""Test data for projects and grants. Until the calls app admits applications itself, projects
are built from applications with status "accompagnata" directly."""

import itertools
from datetime import date
from decimal import Decimal

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.projects.models import Project

_seq = itertools.count(1)


def organisation(name: str = "", **extra) -> Organisation:
    n = next(_seq)
    return Organisation.objects.create(
        fiscal_code=extra.pop("fiscal_code", f"{n:011d}"), name=name or f"Impresa {n}", **extra
    )


def person(last_name: str = "Rossi", first_name: str = "Maria", **extra) -> Person:
    n = next(_seq)
    return Person.objects.create(
        fiscal_code=extra.pop("fiscal_code", f"RSSMRA80A01A{n:03d}X"[:16]),
        last_name=last_name,
        first_name=first_name,
        **extra,
    )


def call(**extra) -> Call:
    n = next(_seq)
    return Call.objects.create(
        code=f"B{n}", title=f"Bando {n}", line=extra.pop("line", Line.SOCIAL_INNOVATION), **extra
    )


def application(title: str = "", *, applicant=None, **extra) -> Application:
    n = next(_seq)
    if applicant is None:
        applicant = organisation()
    field = "applicant_person" if isinstance(applicant, Person) else "applicant_organisation"
    return Application.objects.create(
        code=f"C{n}",
        call=extra.pop("call", None) or call(),
        title=title or f"Progetto {n}",
        status=extra.pop("status", ApplicationStatus.ACCOMPANIED),
        outcome_date=extra.pop("outcome_date", date(2025, 1, 15)),
        **{field: applicant},
        **extra,
    )


def project(title: str = "", *, coaches=(), reporting=(), applicant=None, **extra) -> Project:
    created = Project.objects.create(
        application=application(title, applicant=applicant),
        started_on=extra.pop("started_on", date(2025, 1, 15)),
        **extra,
    )
    if coaches:
        created.coaches.set(coaches)
    if reporting:
        created.reporting_users.set(reporting)
    return created


def fund(budget: str = "10000.00", **extra):
    from insieme.grants.models import Fund

    funder = extra.pop("funder", None) or organisation("Fondazione San Petronio", is_funder=True)
    return Fund.objects.create(
        funder=funder,
        name=extra.pop("name", "Fondo avvio impresa"),
        budget=Decimal(budget),
        **extra,
    )
