"""The API gives the same answer as the pages to the values the figures depend on (issue 15):
the owning domain's rule, its Italian message by field, and nothing written."""

import datetime

from django.utils import timezone

from insieme.core.models import ContractType
from insieme.employment.models import Vacancy
from insieme.placements import services as placement_services
from insieme.placements.models import FollowUp, Placement

HOURS_MESSAGE = (
    "Le ore settimanali devono essere tra 1 e 60: scrivi le ore lavorate in una settimana, per "
    "esempio 38 o 20."
)


def test_a_placement_of_400_weekly_hours_is_refused(cast, world, api_as):
    api = api_as(cast["operator"], scopes=("read", "write"))
    response = api.post(
        "placements",
        {
            "person": world.person_b.pk,
            "employer": world.other_org.pk,
            "contract_type": "determinato",
            "start_date": timezone.localdate().isoformat(),
            "weekly_hours": "400",
        },
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"weekly_hours": [HOURS_MESSAGE]}
    assert not Placement.objects.filter(person=world.person_b).exists()


def test_a_vacancy_of_400_weekly_hours_is_refused(cast, world, api_as):
    api = api_as(cast["partner"], scopes=("read", "write"))
    response = api.post(
        "vacancies",
        {
            "organisation": world.partner_org.pk,
            "title": "Carrellista notturno",
            "comune": world.bologna.pk,
            "contract_type": "determinato",
            "weekly_hours": 400,
        },
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"weekly_hours": [HOURS_MESSAGE]}
    assert not Vacancy.objects.filter(title="Carrellista notturno").exists()
    changed = api.patch(f"vacancies/{world.vacancy_a.pk}", {"weekly_hours": "0.5"})
    assert changed.status_code == 422
    assert Vacancy.objects.get(pk=world.vacancy_a.pk).weekly_hours == world.vacancy_a.weekly_hours


def test_a_follow_up_before_its_due_date_is_refused(cast, world, api_as):
    placement = placement_services.record_placement(
        person=world.person_a,
        employer=world.partner_org,
        contract_type=ContractType.objects.get(code="determinato"),
        start_date=timezone.localdate(),
        by=cast["operator"],
    )
    api = api_as(cast["operator"], scopes=("read", "write"))
    response = api.post(
        f"placements/{placement.pk}/follow-ups/3",
        {"still_employed": True, "same_contract": True},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "follow_up_not_due"
    opens = (FollowUp.objects.get(placement=placement, months=3).due_on) - datetime.timedelta(
        days=15
    )
    assert f"si può registrare dal {opens:%d/%m/%Y}" in body["message"]
    assert FollowUp.objects.get(placement=placement, months=3).done_on is None
