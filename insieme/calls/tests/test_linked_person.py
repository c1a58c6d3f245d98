"""An account the office linked to a person applies as that person; no other account does."""

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls.tests.helpers import PERSON_CODE, make_call, start
from insieme.people import services as people_services
from insieme.people.models import Person


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def person(db):
    return Person.objects.create(
        fiscal_code=PERSON_CODE, first_name="Mario", last_name="Rossi", email="mario@example.org"
    )


def test_the_linked_account_applies_as_the_person(call, person, applicant, operator):
    # The address on file is not the account's: without the link the code is refused.
    with pytest.raises(ValidationError, match="già presente con altri recapiti"):
        start(call, applicant)
    people_services.link_account(person=person, email=applicant.email, by=operator)
    assert start(call, applicant).applicant_person == person


def test_once_linked_the_same_address_is_not_enough(call, person, applicant, operator):
    people_services.link_account(person=person, email=applicant.email, by=operator)
    namesake = make_user(person.email, Role.APPLICANT, first_name="Mario")
    with pytest.raises(ValidationError, match="già presente con altri recapiti"):
        start(call, namesake)
