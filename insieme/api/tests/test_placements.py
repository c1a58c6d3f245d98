"""Placements through the API, per role: `Placement.objects.visible_to`, the employment app's
rule that the web pages use too."""

import pytest
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.api.tests.support import ROLES
from insieme.core.models import ContractType
from insieme.network.models import OrganisationMember
from insieme.placements.models import Placement


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def placements(world) -> dict[str, Placement]:
    """Besides world.placement (person_a at the partner's organisation, referred to it):"""
    tirocinio = ContractType.objects.get(code="tirocinio")
    today = timezone.localdate()

    def make(code, **fields):
        return Placement.objects.create(
            code=code, contract_type=tirocinio, start_date=today, **fields
        )

    return {
        "referred": world.placement,
        # person_b was referred to the other organisation only: the partner never met them.
        "not_referred": make("INS-2", person=world.person_b, employer=world.partner_org),
        "elsewhere": make("INS-3", person=world.person_a, employer=world.other_org),
        # A job created by the project the coach accompanies, and one by another project.
        "coached": make(
            "INS-4",
            person=world.person_b,
            employer=world.other_org,
            application=world.own_application,
        ),
        "other_project": make(
            "INS-5",
            person=world.person_b,
            employer=world.other_org,
            application=world.other_application,
        ),
    }


EXPECTED = {
    "operator": {"referred", "not_referred", "elsewhere", "coached", "other_project"},
    "admin": {"referred", "not_referred", "elsewhere", "coached", "other_project"},
    "partner": {"referred"},
    "coach": {"coached"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_placements_only(role, cast, placements, api_as):
    api = api_as(cast[role])
    expected = {placements[name].pk for name in EXPECTED.get(role, set())}
    assert _ids(api.get("placements")) == expected
    for placement in placements.values():
        response = api.get(f"placements/{placement.pk}")
        assert response.status_code == (200 if placement.pk in expected else 404)


def test_a_partner_with_two_roles_does_not_see_more_than_each_role_allows(placements, api_as):
    both = make_user("partner.coach@example.org", Role.PARTNER, Role.COACH)
    OrganisationMember.objects.create(organisation=placements["referred"].employer, user=both)
    placements["coached"].application.project.coaches.add(both)
    ids = _ids(api_as(both).get("placements"))
    assert ids == {placements["referred"].pk, placements["coached"].pk}


def test_partner_filter_by_employer_cannot_widen_the_scope(cast, world, placements, api_as):
    api = api_as(cast["partner"])
    assert _ids(api.get("placements", employer=world.other_org.pk)) == set()
    assert _ids(api.get("placements", employer=world.partner_org.pk)) == {placements["referred"].pk}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_the_employment_apps_own_rule(role, cast, placements, api_as):
    user = cast[role]
    assert _ids(api_as(user).get("placements")) == set(
        Placement.objects.visible_to(user).values_list("pk", flat=True)
    )
