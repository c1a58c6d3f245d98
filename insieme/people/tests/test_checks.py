"""The rules on a person's data, as every service that saves a person applies them (Person.clean
through full_clean): the phone number, the e-mail, the codice fiscale against the birth date and
sex (insieme/people/checks.py). The web form, the sign-up and the workbook import share them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from insieme.core.models import Comune
from insieme.people import services
from insieme.people.models import Person

pytestmark = pytest.mark.django_db

CODE = "RSSMRA90B41A944N"  # Maria Rossi, born 1 February 1990 in Bologna, F
OMOCODE = "RSSMRA90B41A94QK"  # the same, omocodic


def new_person(**values) -> Person:
    data = {
        "fiscal_code": CODE,
        "last_name": "Rossi",
        "first_name": "Maria",
        "residence_comune": Comune.objects.get(pk="037006"),
    }
    data.update(values)
    return Person(**data)


def refusal(person: Person, operator) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.save_person(person=person, by=operator)
    assert not Person.objects.exists()  # nothing half-written
    return caught.value.message_dict


def test_a_phone_that_is_not_a_number_is_refused_by_the_service(operator):
    messages = refusal(new_person(phone="abc"), operator)
    assert "Questo non è un numero di telefono" in messages["phone"][0]


def test_the_service_stores_phone_numbers_in_e164(operator):
    person = services.save_person(person=new_person(phone="051 123456"), by=operator)
    assert person.phone == "+39051123456"


def test_an_e_mail_that_is_not_one_is_refused_by_the_service(operator):
    messages = refusal(new_person(email="maria.rossi.example.org"), operator)
    assert "email" in messages


def test_birth_date_and_sex_are_taken_from_the_code_when_not_given(operator):
    person = services.save_person(person=new_person(fiscal_code="rssmra90b41a944n"), by=operator)
    assert person.fiscal_code == CODE
    assert person.birth_date == datetime.date(1990, 2, 1)
    assert person.sex == "F"
    assert person.birth_place_code == "A944"
    assert person.birth_place == "Bologna (BO)"
    assert not person.fiscal_code_is_temporary


def test_a_birth_date_the_code_contradicts_is_refused_naming_the_field(operator):
    messages = refusal(new_person(birth_date=datetime.date(1990, 2, 11)), operator)
    assert messages == {
        "birth_date": [
            "La data di nascita non corrisponde al codice fiscale, secondo il quale la persona "
            "è nata il 01/02/1990: correggi la data di nascita o il codice."
        ]
    }


def test_a_sex_the_code_contradicts_is_refused_naming_the_field(operator):
    messages = refusal(new_person(sex="M"), operator)
    assert messages == {
        "sex": [
            "Il sesso non corrisponde al codice fiscale, che indica femmina: correggi il sesso "
            "o il codice."
        ]
    }


def test_an_omocodic_code_is_valid_and_says_the_same(operator):
    person = services.save_person(
        person=new_person(fiscal_code=OMOCODE, birth_date=datetime.date(1990, 2, 1), sex="F"),
        by=operator,
    )
    assert person.fiscal_code == OMOCODE
    assert person.birth_place == "Bologna (BO)"


def test_an_omocodic_code_with_a_wrong_check_character_is_refused(operator):
    messages = refusal(new_person(fiscal_code="RSSMRA90B41A94QL"), operator)
    assert "carattere di controllo" in messages["fiscal_code"][0]


def test_the_century_the_code_cannot_tell_is_the_one_given(operator):
    # 1924 and 2024 both end in 24: the code agrees with a person born in 1924.
    born = datetime.date(1924, 1, 1)
    person = services.save_person(
        person=new_person(fiscal_code="RSSMRA24A01A944Y", first_name="Mario", birth_date=born),
        by=operator,
    )
    assert person.birth_date == born
    assert person.sex == "M"


def test_a_temporary_code_has_nothing_to_check(operator):
    person = services.save_person(
        person=new_person(fiscal_code="12345678903", birth_date=datetime.date(1980, 5, 5), sex="M"),
        by=operator,
    )
    assert person.fiscal_code_is_temporary
    assert person.birth_date == datetime.date(1980, 5, 5)
    assert person.birth_place == ""
