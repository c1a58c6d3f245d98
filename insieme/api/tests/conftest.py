"""A small world with something for every role to see and something it must not see."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from insieme.api.models import ApiToken, Event, WebhookEndpoint, hash_token
from insieme.api.services import create_token
from insieme.api.tests.support import SECRET, Receiver
from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.core.models import Comune, ContractType
from insieme.employment import links
from insieme.employment.models import Referral, Vacancy
from insieme.grants.models import Disbursement, Fund, Grant
from insieme.network.models import Organisation, OrganisationMember
from insieme.people.models import Person
from insieme.placements.models import Placement
from insieme.projects.models import Project


@dataclass
class World:
    bologna: Comune
    partner_org: Organisation
    other_org: Organisation
    funder_org: Organisation
    other_funder: Organisation
    person_a: Person
    person_b: Person
    vacancy_a: Vacancy
    vacancy_b: Vacancy
    referral_a: Referral
    referral_b: Referral
    placement: Placement
    published_call: Call
    draft_call: Call
    own_application: Application
    other_application: Application
    coached_project: Project
    other_project: Project
    grant: Grant
    other_grant: Grant
    disbursement: Disbursement
    other_disbursement: Disbursement


def _org(n: int, name: str, **extra: Any) -> Organisation:
    return Organisation.objects.create(fiscal_code=f"{n:011d}", name=name, **extra)


def _person(code: str, last: str, first: str, comune: Comune) -> Person:
    return Person.objects.create(
        fiscal_code=code, last_name=last, first_name=first, residence_comune=comune
    )


@pytest.fixture
def world(cast) -> World:
    bologna = Comune.objects.get(name="Bologna")
    determinato = ContractType.objects.get(code="determinato")
    partner_org = _org(1, "Cooperativa Aurora", is_partner=True, is_employer=True)
    other_org = _org(2, "Impresa Borea", is_partner=True, is_employer=True)
    funder_org = _org(3, "Fondazione San Petronio", is_funder=True)
    other_funder = _org(4, "Fondazione Altra", is_funder=True)
    OrganisationMember.objects.create(organisation=partner_org, user=cast["partner"])
    OrganisationMember.objects.create(organisation=funder_org, user=cast["funder"])
    person_a = _person("RSSMRA80A01A944I", "Rossi", "Maria", bologna)
    person_b = _person("VRDLGU75B02A944X", "Verdi", "Luigi", bologna)
    vacancy_a = Vacancy.objects.create(
        organisation=partner_org, title="Aiuto cuoco", comune=bologna, contract_type=determinato
    )
    vacancy_b = Vacancy.objects.create(
        organisation=other_org, title="Magazziniere", comune=bologna, contract_type=determinato
    )
    today = timezone.localdate()
    # person_a agreed to share the CV, as a referral requires: the partner reads the name.
    links.record_cv_consent(person_a, by=cast["operator"], at_the_desk=True)
    referral_a = Referral.objects.create(vacancy=vacancy_a, person=person_a, proposed_on=today)
    referral_b = Referral.objects.create(vacancy=vacancy_b, person=person_b, proposed_on=today)
    placement = Placement.objects.create(
        code="INS-1",
        person=person_a,
        employer=partner_org,
        contract_type=determinato,
        start_date=today,
    )
    now = timezone.now()
    published_call = Call.objects.create(
        code="IS-2026",
        title="Innovazione sociale 2026",
        line=Line.SOCIAL_INNOVATION,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=5),
        published_at=now,
    )
    draft_call = Call.objects.create(code="AI-2027", title="Bozza", line=Line.SELF_EMPLOYMENT)
    own_application = Application.objects.create(
        code="IS-2026-0001",
        call=published_call,
        title="Orto sociale",
        applicant_person=person_a,
        owner=cast["applicant"],
        status=ApplicationStatus.ACCOMPANIED,
        submitted_at=now,
        outcome_date=today,
    )
    other_application = Application.objects.create(
        code="IS-2026-0002",
        call=published_call,
        title="Ciclofficina",
        applicant_organisation=other_org,
        status=ApplicationStatus.ACCOMPANIED,
        submitted_at=now,
        outcome_date=today,
    )
    coached_project = Project.objects.create(application=own_application, started_on=today)
    coached_project.coaches.add(cast["coach"])
    other_project = Project.objects.create(application=other_application, started_on=today)
    fund = Fund.objects.create(funder=funder_org, name="Fondo avvio", budget=Decimal("50000"))
    other_fund = Fund.objects.create(funder=other_funder, name="Altro", budget=Decimal("50000"))
    grant = Grant.objects.create(
        code="CON-1",
        application=own_application,
        funder=funder_org,
        fund=fund,
        amount_awarded=Decimal("5000.00"),
        awarded_on=today,
    )
    other_grant = Grant.objects.create(
        code="CON-2",
        application=other_application,
        funder=other_funder,
        fund=other_fund,
        amount_awarded=Decimal("8000.00"),
        awarded_on=today,
    )
    disbursement = Disbursement.objects.create(
        code="ERO-1", grant=grant, paid_on=today, amount=Decimal("2500.00")
    )
    other_disbursement = Disbursement.objects.create(
        code="ERO-2", grant=other_grant, paid_on=today, amount=Decimal("4000.00")
    )
    return World(
        bologna,
        partner_org,
        other_org,
        funder_org,
        other_funder,
        person_a,
        person_b,
        vacancy_a,
        vacancy_b,
        referral_a,
        referral_b,
        placement,
        published_call,
        draft_call,
        own_application,
        other_application,
        coached_project,
        other_project,
        grant,
        other_grant,
        disbursement,
        other_disbursement,
    )


class ApiClient:
    """The Django test client speaking to /api/v1/ with a bearer token."""

    def __init__(self, client, raw: str) -> None:
        self.client = client
        self.raw = raw

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw}", **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any):
        return self.client.get(f"/api/v1/{path}", params, headers=self._headers(headers))

    def post(self, path: str, data: Any = None, headers: dict[str, str] | None = None):
        return self.client.post(
            f"/api/v1/{path}",
            data or {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, data: Any = None, headers: dict[str, str] | None = None):
        return self.client.patch(
            f"/api/v1/{path}",
            data or {},
            content_type="application/json",
            headers=self._headers(headers),
        )


@pytest.fixture
def api_as(client):
    """`api_as(user, scopes=("read",))`: a client with a new token of `user`."""

    def make(user, scopes=("read",)) -> ApiClient:
        if user.roles:
            _token, raw = create_token(user=user, name="test", scopes=list(scopes), by=user)
        else:
            # No role may create a token (api/rules.py), but an account whose roles were taken
            # away keeps the ones it made: the API must still refuse it everything.
            lookup, raw = ApiToken.generate()
            ApiToken.objects.create(
                user=user,
                name="test",
                scopes=list(scopes),
                lookup=lookup,
                token_hash=hash_token(raw),
            )
        return ApiClient(client, raw)

    return make


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def subscribed(db, receiver):
    """An endpoint of the outside system, subscribed to every event."""
    return WebhookEndpoint.objects.create(
        name="Regione", url=receiver.url, events=[e.value for e in Event], secret=SECRET
    )
