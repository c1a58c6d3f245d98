import datetime
import string

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from insieme.core import fiscal_code

# Bologna, Milano, Roma, Napoli, Imola; Morocco, Romania, Albania.
BIRTHPLACES = ["A944", "F205", "H501", "F839", "E289", "Z330", "Z129", "Z100"]

names = st.text(alphabet=string.ascii_letters, min_size=2, max_size=12)
dates = st.dates(min_value=datetime.date(1935, 1, 1), max_value=datetime.date(2008, 12, 31))


@st.composite
def valid_codes(draw):
    code = codicefiscale.encode(
        lastname=draw(names),
        firstname=draw(names),
        gender=draw(st.sampled_from(["M", "F"])),
        birthdate=draw(dates).strftime("%d/%m/%Y"),
        birthplace=draw(st.sampled_from(BIRTHPLACES)),
    )
    variants = codicefiscale.decode(code)["omocodes"]
    return draw(st.sampled_from(variants))


@st.composite
def temporary_codes(draw):
    first_ten = "".join(draw(st.lists(st.sampled_from(string.digits), min_size=10, max_size=10)))
    return first_ten + str(fiscal_code.check_digit(first_ten))


@settings(max_examples=150, deadline=None)
@given(valid_codes())
def test_valid_codes_and_their_omocodic_variants_pass(code):
    decoded = fiscal_code.decode(code)
    assert decoded.code == code
    assert not decoded.is_temporary
    assert decoded.sex in {"M", "F"}
    assert decoded.birth_place_code


@settings(max_examples=150, deadline=None)
@given(valid_codes(), st.data())
def test_any_single_character_change_fails(code, data):
    position = data.draw(st.integers(min_value=0, max_value=15))
    replacement = data.draw(
        st.sampled_from(string.ascii_uppercase + string.digits).filter(
            lambda c: c != code[position]
        )
    )
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        fiscal_code.decode(changed)


@given(valid_codes(), st.sampled_from([" ", "  ", "\t"]))
def test_normalisation_ignores_case_and_spaces(code, space):
    typed = space + code[:6].lower() + space + code[6:11] + space + code[11:].lower()
    assert fiscal_code.decode(typed).code == code


@given(temporary_codes())
def test_temporary_codes_pass_and_are_flagged(code):
    decoded = fiscal_code.decode(code)
    assert decoded.is_temporary
    assert decoded.birth_date is None


@given(temporary_codes(), st.integers(min_value=0, max_value=10), st.data())
def test_temporary_code_with_one_digit_changed_fails(code, position, data):
    digit = data.draw(st.sampled_from(string.digits).filter(lambda d: d != code[position]))
    changed = code[:position] + digit + code[position + 1 :]
    with pytest.raises(ValidationError):
        fiscal_code.decode(changed)


def test_decoding_gives_birth_data():
    decoded = fiscal_code.decode("RSSMRA85D03A944A")
    assert decoded.birth_date == datetime.date(1985, 4, 3)
    assert decoded.sex == "M"
    assert decoded.birth_place_code == "A944"
    assert decoded.birth_place == "Bologna (BO)"


def test_missing_code_says_where_to_get_one():
    with pytest.raises(ValidationError) as error:
        fiscal_code.decode("  ")
    assert error.value.code == "required"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("RSSMRA85D03A944B", "check_character"),
        ("RSSMRA85D03A944", "length"),
        ("1234567890", "temporary_length"),
        ("12345678901", "temporary_check_digit"),
    ],
)
def test_wrong_codes_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as error:
        fiscal_code.decode(value)
    assert error.value.code == code
