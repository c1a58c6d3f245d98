"""Recording placements (a contract, an extension, a traineeship) and their follow-ups."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from insieme.core.models import ContractType
from insieme.employment.models import RegistrationStatus
from insieme.employment.tests import factories
from insieme.placements.models import FollowUp


@pytest.fixture
def person(db):
    """A person in the programme."""
    person = factories.person("Vicini", "Vera", home="Bologna", available_hours=40)
    factories.registration(person, status=RegistrationStatus.ACTIVE)
    return person


def test_placement_stores_extension_and_traineeship(operator, person):
    first = factories.placement(person, by=operator, contract="determinato")
    assert first.code == f"INS-{first.pk:06d}"
    assert not first.is_extension
    assert [f.due_on for f in first.follow_ups.order_by("months")] == [
        datetime.date(2026, 4, 12),
        datetime.date(2026, 7, 12),
        datetime.date(2027, 1, 12),
    ]
    extension = factories.placement(
        person,
        by=operator,
        employer=first.employer,
        extends=first,
        start_date=datetime.date(2026, 7, 12),
    )
    assert extension.is_extension
    assert extension.extends == first
    traineeship = factories.placement(
        person,
        by=operator,
        contract="tirocinio",
        host_tutor="Giulia Neri",
        programme_tutor=operator,
        monthly_stipend=Decimal("500.00"),
        weekly_hours=Decimal("30"),
        end_date=datetime.date(2026, 7, 11),
    )
    assert traineeship.is_traineeship
    assert traineeship.contract_type.code == ContractType.TRAINEESHIP
    assert traineeship.monthly_stipend == Decimal("500.00")


def test_placement_cannot_end_before_it_starts(client_as, operator, person):
    org = factories.organisation()
    response = client_as(operator).post(
        reverse("placements:placement_new", args=[person.pk]),
        {
            "employer": org.pk,
            "contract_type": ContractType.objects.get(code="determinato").pk,
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
        },
    )
    assert "La data di fine non può precedere" in response.content.decode()


def test_placement_hours_and_stipend_cannot_be_negative(client_as, operator, person):
    data = {
        "employer": factories.organisation().pk,
        "contract_type": ContractType.objects.get(code="tirocinio").pk,
        "start_date": "2026-03-01",
        "weekly_hours": "-5",
        "monthly_stipend": "-450",
    }
    client = client_as(operator)
    url = reverse("placements:placement_new", args=[person.pk])
    html = client.post(url, data).content.decode()
    assert "Le ore settimanali devono essere tra 1 e 60" in html
    assert "L&#x27;indennità non può essere negativa." in html
    assert not person.placements.exists()
    response = client.post(url, {**data, "weekly_hours": "30", "monthly_stipend": "450"})
    assert response.status_code == 302
    assert person.placements.get().weekly_hours == Decimal("30")


def test_follow_up_form_needs_an_answer(client_as, operator, db):
    placement = factories.placement(factories.person(), by=operator)
    check = FollowUp.objects.get(placement=placement, months=6)
    response = client_as(operator).post(reverse("placements:follow_up", args=[check.pk]), {})
    assert "Questo campo è obbligatorio" in response.content.decode()
    check.refresh_from_db()
    assert check.done_on is None
