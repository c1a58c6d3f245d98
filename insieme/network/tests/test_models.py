import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from conftest import make_user
from insieme.accounts.models import Role
from insieme.network.models import Agreement, NetworkRole, Organisation
from insieme.network.tests.factories import member, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return organisation("Alfa", n=1), organisation("Beta", n=2, is_funder=True)


@pytest.mark.parametrize("role", ["operator", "admin_user", "coach"])
def test_staff_see_all(request, orgs, role):
    assert Organisation.objects.visible_to(request.getfixturevalue(role)).count() == 2


def test_evaluators_see_no_organisation(orgs, evaluator):
    # A blind review: the directory would tell them who applied with what.
    assert not Organisation.objects.visible_to(evaluator).exists()


@pytest.mark.parametrize("role", ["partner", "funder"])
def test_members_see_their_own(request, orgs, role):
    user = request.getfixturevalue(role)
    assert not Organisation.objects.visible_to(user).exists()
    member(orgs[1], user)
    assert list(Organisation.objects.visible_to(user)) == [orgs[1]]


@pytest.mark.parametrize("role", ["applicant", "outsider"])
def test_applicants_and_outsiders_see_none(request, orgs, role):
    user = request.getfixturevalue(role)
    member(orgs[0], user)  # even if wrongly linked
    assert not Organisation.objects.visible_to(user).exists()


def test_anonymous_sees_none(orgs):
    from django.contrib.auth.models import AnonymousUser

    assert not Organisation.objects.visible_to(AnonymousUser()).exists()
    assert not Organisation.objects.of_member(AnonymousUser()).exists()


def test_a_partner_who_is_also_a_coach_sees_all(orgs):
    user = make_user("doppio@example.org", Role.PARTNER, Role.COACH)
    assert Organisation.objects.visible_to(user).count() == 2


def test_contact_visibility(orgs, operator, partner, funder, coach):
    alfa, beta = orgs
    member(alfa, partner)
    member(beta, funder)
    assert alfa.contacts_visible_to(operator)
    assert alfa.contacts_visible_to(partner)
    assert not beta.contacts_visible_to(partner)
    assert not beta.contacts_visible_to(funder)
    assert not alfa.contacts_visible_to(coach)


def test_fiscal_code_must_be_normalised_in_the_database():
    with pytest.raises(IntegrityError):
        Organisation.objects.create(fiscal_code="it 0123", name="Sbagliata")


def test_clean_normalises_and_validates_the_code():
    org = Organisation(fiscal_code="rssmra80a01a944i", name="Ditta Rossi")
    org.full_clean()
    assert org.fiscal_code == "RSSMRA80A01A944I"
    assert org.is_sole_trader
    with pytest.raises(ValidationError) as error:
        Organisation(fiscal_code="01234567890", name="Sbagliata").full_clean()
    assert "fiscal_code" in error.value.message_dict


def test_roles_and_ateco_title():
    org = organisation(is_partner=True, is_funder=True, ateco_code="62.10.00")
    assert org.roles == [NetworkRole.PARTNER, NetworkRole.FUNDER]
    assert org.role_labels() == ["Partner", "Finanziatore"]
    assert org.ateco_title == "Attività di programmazione informatica"


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
def test_agreement_status():
    org = organisation()
    open_ended = Agreement(organisation=org, title="A", starts_on=datetime.date(2024, 1, 1))
    ended = Agreement(
        organisation=org,
        title="B",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2025, 5, 31),
    )
    future = Agreement(organisation=org, title="C", starts_on=datetime.date(2025, 7, 1))
    assert open_ended.status_label == "attiva"
    assert ended.status_label == "scaduta"
    assert future.status_label == "non ancora iniziata"
    assert ended.is_active(datetime.date(2025, 5, 31))


def test_agreement_cannot_end_before_it_starts_in_the_database():
    with pytest.raises(IntegrityError):
        Agreement.objects.create(
            organisation=organisation(),
            title="X",
            starts_on=datetime.date(2025, 2, 1),
            ends_on=datetime.date(2025, 1, 1),
        )


class TestPhoneNumbers:
    """The phone rule of every way in (insieme.core.phone), applied by the services."""

    def test_a_contact_phone_that_is_not_a_number_is_refused_by_the_service(self, operator):
        from insieme.network import services
        from insieme.network.models import ContactPerson

        org = organisation("Cooperativa Aurora")
        contact = ContactPerson(organisation=org, name="Marco Neri", phone="abc")
        with pytest.raises(ValidationError) as caught:
            services.save_contact(contact=contact, by=operator)
        assert "Questo non è un numero di telefono" in caught.value.message_dict["phone"][0]
        assert not ContactPerson.objects.exists()

    def test_contact_and_organisation_phones_are_stored_in_e164(self, operator):
        from insieme.network import services
        from insieme.network.models import ContactPerson

        org = organisation("Cooperativa Aurora")
        org.phone = "051 123456"
        services.save_organisation(organisation=org, by=operator)
        contact = services.save_contact(
            contact=ContactPerson(organisation=org, name="Marco Neri", phone="333 1234567"),
            by=operator,
        )
        org.refresh_from_db()
        assert org.phone == "+39051123456"
        assert contact.phone == "+393331234567"

    def test_an_organisation_phone_that_is_not_a_number_is_refused(self, operator):
        from insieme.network import services

        org = organisation("Cooperativa Aurora")
        org.phone = "abc"
        with pytest.raises(ValidationError) as caught:
            services.save_organisation(organisation=org, by=operator)
        assert "phone" in caught.value.message_dict
