"""The rules on the values of a placement that feed the figures (issue 15): weekly hours 1 to 60,
a placement starting after today is planned and counted from its start, follow-ups recorded
from their due date less the tolerance, overdue ones shown with the days late. Each rule is
the service's, so the page, the API and the workbook import get the same answer."""

import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from insieme.core.models import ContractType
from insieme.employment.models import RegistrationStatus
from insieme.employment.tests import factories
from insieme.placements import services
from insieme.placements.models import FOLLOW_UP_TOLERANCE_DAYS, FollowUp, Placement

TODAY = datetime.date(2026, 6, 1)
HOURS_MESSAGE = "Le ore settimanali devono essere tra 1 e 60"


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)) as t:
        yield t


@pytest.fixture
def person(db):
    person = factories.person("Vicini", "Vera", home="Bologna")
    factories.registration(person, status=RegistrationStatus.ACTIVE)
    return person


def _figures(*args: str) -> dict:
    out = io.StringIO()
    call_command("impact_report", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())["employment"]


# --- weekly hours ----------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["400", "61", "0", "0.5", "-5"])
def test_the_service_refuses_weekly_hours_outside_1_to_60(operator, person, hours):
    with pytest.raises(ValidationError) as raised:
        factories.placement(person, by=operator, weekly_hours=Decimal(hours))
    assert "weekly_hours" in raised.value.error_dict
    assert not Placement.objects.exists()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("hours", ["1", "37.5", "60"])
def test_weekly_hours_from_1_to_60_are_recorded(operator, person, hours):
    placement = factories.placement(person, by=operator, weekly_hours=Decimal(hours))
    assert placement.weekly_hours == Decimal(hours)


def test_the_page_says_what_is_wrong_with_400_hours_and_writes_nothing(client_as, operator, person):
    response = client_as(operator).post(
        reverse("placements:placement_new", args=[person.pk]),
        {
            "employer": factories.organisation().pk,
            "contract_type": ContractType.objects.get(code="determinato").pk,
            "start_date": "2026-03-01",
            "weekly_hours": "400",
        },
    )
    assert response.status_code == 200
    assert HOURS_MESSAGE in response.content.decode()
    assert not person.placements.exists()


# --- a placement starting after today --------------------------------------------------------


def test_a_placement_starting_next_month_is_planned_and_counted_from_its_start(
    clock, client_as, operator, person
):
    response = client_as(operator).post(
        reverse("placements:placement_new", args=[person.pk]),
        {
            "employer": factories.organisation().pk,
            "contract_type": ContractType.objects.get(code="determinato").pk,
            "start_date": "2026-07-01",
            "weekly_hours": "30",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Inserimento programmato, non ancora iniziato" in html
    placement = person.placements.get()
    assert placement.is_planned
    figures = _figures()
    assert (figures["placements"], figures["people_employed"], figures["first_time_placed"]) == (
        0,
        0,
        0,
    )
    assert _figures("--from", "2026-07-01", "--to", "2026-07-31")["placements"] == 0
    clock.move_to(datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC))
    assert not Placement.objects.get(pk=placement.pk).is_planned
    figures = _figures()
    assert (figures["placements"], figures["people_employed"], figures["first_time_placed"]) == (
        1,
        1,
        1,
    )


def test_the_cached_dashboard_figures_follow_the_day(clock, operator, person):
    from insieme.impact import cache

    factories.placement(person, by=operator, start_date=datetime.date(2026, 6, 2))
    assert cache.report()["employment"]["placements"] == 0
    clock.move_to(datetime.datetime(2026, 6, 2, 9, 0, tzinfo=datetime.UTC))
    assert cache.report()["employment"]["placements"] == 1


# --- follow-ups ------------------------------------------------------------------------------


def test_a_3_month_follow_up_cannot_be_recorded_on_the_first_day(clock, operator, person):
    placement = factories.placement(person, by=operator, start_date=TODAY)
    check = placement.follow_ups.get(months=3)
    with pytest.raises(ValidationError) as raised:
        services.record_follow_up(
            follow_up=check, still_employed=True, same_contract=True, by=operator
        )
    assert raised.value.code == "follow_up_not_due"
    check.refresh_from_db()
    assert check.done_on is None


def test_the_tolerance_opens_the_follow_up_15_days_before_it_is_due(clock, operator, person):
    assert FOLLOW_UP_TOLERANCE_DAYS == 15
    # Started 17 March: due 17 June, open from 2 June (tomorrow); started 16 March: open today.
    early = factories.placement(person, by=operator, start_date=datetime.date(2026, 3, 17))
    check = early.follow_ups.get(months=3)
    assert check.due_on == datetime.date(2026, 6, 17)
    assert check.opens_on == datetime.date(2026, 6, 2)
    with pytest.raises(ValidationError):
        services.record_follow_up(
            follow_up=check, still_employed=True, same_contract=True, by=operator
        )
    in_time = factories.placement(person, by=operator, start_date=datetime.date(2026, 3, 16))
    check = in_time.follow_ups.get(months=3)
    assert check.opens_on == TODAY
    services.record_follow_up(follow_up=check, still_employed=True, same_contract=True, by=operator)
    assert FollowUp.objects.get(pk=check.pk).done_on == TODAY


def test_a_follow_up_is_not_dated_in_the_future_nor_before_it_opens(clock, operator, person):
    placement = factories.placement(person, by=operator, start_date=datetime.date(2026, 1, 1))
    check = placement.follow_ups.get(months=3)  # due 1 April 2026
    for day in (datetime.date(2026, 6, 2), datetime.date(2026, 3, 1)):
        with pytest.raises(ValidationError):
            services.record_follow_up(
                follow_up=check, still_employed=True, same_contract=None, date=day, by=operator
            )
    assert FollowUp.objects.get(pk=check.pk).done_on is None


def test_the_follow_up_page_says_when_it_opens_and_writes_nothing(
    clock, client_as, operator, person
):
    placement = factories.placement(person, by=operator, start_date=TODAY)
    check = placement.follow_ups.get(months=3)
    client = client_as(operator)
    url = reverse("placements:follow_up", args=[check.pk])
    page = client.get(url).content.decode()
    assert "si può registrare dal 17/08/2026" in page
    response = client.post(url, {"still_employed": "si", "same_contract": "si"})
    assert response.status_code == 200
    assert "si può registrare dal 17/08/2026" in response.content.decode()
    assert FollowUp.objects.get(pk=check.pk).done_on is None
    person_page = client.get(reverse("employment:person", args=[person.pk])).content.decode()
    assert "da registrare dal 17/08/2026" in person_page


def test_overdue_follow_ups_are_shown_with_the_days_late(clock, client_as, operator, person):
    # Started 1 February 2026: the 3-month check was due on 1 May, 31 days ago.
    factories.placement(person, by=operator, start_date=datetime.date(2026, 2, 1))
    client = client_as(operator)
    person_page = client.get(reverse("employment:person", args=[person.pk])).content.decode()
    assert "in ritardo di 31 giorni" in person_page
    reminders = client.get(reverse("employment:reminders")).content.decode()
    assert "in ritardo di 31 giorni" in reminders
