"""The values of the employment services that feed the figures (issue 15): weekly hours 1 to
60 (a vacancy's, a person's hours available), referral outcomes dated from the proposal to
today, services that end after they start, hours never negative. Each rule is the model's,
applied by the service, so the pages and the API give the same answer."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from insieme.employment import services
from insieme.employment.models import Referral, ReferralOutcome, Service, Vacancy
from insieme.employment.tests import factories
from insieme.people.models import Person

HOURS_MESSAGE = "Le ore settimanali devono essere tra 1 e 60"


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)) as t:
        yield t


@pytest.mark.parametrize("hours", ["400", "0.5", "0", "-1"])
def test_the_service_refuses_a_vacancy_of_400_weekly_hours(operator, db, hours):
    vacancy = Vacancy(
        organisation=factories.organisation(),
        title="Magazziniere",
        comune=factories.comune("Bologna"),
        contract_type=factories.vacancy().contract_type,
        weekly_hours=Decimal(hours),
    )
    with pytest.raises(ValidationError) as raised:
        services.save_vacancy(vacancy=vacancy, by=operator)
    assert list(raised.value.error_dict) == ["weekly_hours"]
    assert not Vacancy.objects.filter(title="Magazziniere").exists()


def test_the_vacancy_page_refuses_400_weekly_hours(client_as, operator, db):
    organisation = factories.organisation()
    response = client_as(operator).post(
        reverse("employment:vacancy_new"),
        {
            "organisation": organisation.pk,
            "title": "Magazziniere",
            "comune": "Bologna",
            "contract_type": factories.vacancy().contract_type.pk,
            "weekly_hours": "400",
            "openings": "1",
            "status": "aperta",
        },
    )
    assert HOURS_MESSAGE in response.content.decode()
    assert not Vacancy.objects.filter(title="Magazziniere").exists()


def test_a_person_is_not_available_400_hours_a_week(operator, db):
    person = factories.person("Vicini", "Vera")
    person.available_hours = 400
    from insieme.people import services as people_services

    with pytest.raises(ValidationError) as raised:
        people_services.save_person(person=person, by=operator)
    assert "available_hours" in raised.value.error_dict
    assert Person.objects.get(pk=person.pk).available_hours is None


def test_the_interview_page_refuses_400_hours_available(client_as, operator, db):
    from insieme.employment.forms import AvailabilityForm

    person = factories.person("Vicini", "Vera")
    form = AvailabilityForm({"available_hours": "400"}, instance=person)
    assert not form.is_valid()
    assert HOURS_MESSAGE in " ".join(form.errors["available_hours"])


def test_a_referral_outcome_is_not_in_the_future_nor_before_the_proposal(clock, operator, db):
    person = factories.person("Vicini", "Vera")
    referral = Referral.objects.create(
        vacancy=factories.vacancy(),
        person=person,
        proposed_on=datetime.date(2026, 5, 10),
        proposed_by=operator,
    )
    for day in (datetime.date(2026, 7, 1), datetime.date(2026, 5, 9)):
        with pytest.raises(ValidationError):
            services.record_referral_outcome(
                referral=referral, outcome=ReferralOutcome.NOT_CHOSEN, date=day, by=operator
            )
    assert Referral.objects.get(pk=referral.pk).outcome == ReferralOutcome.PROPOSED
    services.record_referral_outcome(
        referral=referral,
        outcome=ReferralOutcome.NOT_CHOSEN,
        date=datetime.date(2026, 5, 10),
        by=operator,
    )
    assert Referral.objects.get(pk=referral.pk).outcome == ReferralOutcome.NOT_CHOSEN


def test_a_service_ends_after_it_starts_and_has_no_negative_hours(operator, db):
    for values in (
        {"start_date": datetime.date(2026, 3, 1), "end_date": datetime.date(2026, 2, 1)},
        {"hours": Decimal("-10")},
    ):
        with pytest.raises(ValidationError):
            services.create_service(kind="formazione", title="Corso HACCP", by=operator, **values)
    assert not Service.objects.exists()


def test_hours_attended_are_never_negative(operator, db):
    person = factories.person("Vicini", "Vera")
    service_ = services.create_service(kind="formazione", title="Corso HACCP", by=operator)
    enrolment = services.enrol(
        service_=service_, person=person, enrolled_on=datetime.date(2026, 1, 5), by=operator
    )
    with pytest.raises(ValidationError):
        services.record_attendance(
            enrolment=enrolment, hours_attended=Decimal("-3"), status="completato", by=operator
        )
    enrolment.refresh_from_db()
    assert (enrolment.hours_attended, enrolment.status) == (Decimal("0"), "iscritta")
