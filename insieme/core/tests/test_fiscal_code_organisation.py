import datetime

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from insieme.core.fiscal_code import (
    check_digit,
    is_valid,
    normalise,
    validate_organisation_code,
)

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@st.composite
def numeric_codes(draw) -> str:
    first_ten = draw(st.text(alphabet="0123456789", min_size=10, max_size=10))
    return f"{first_ten}{check_digit(first_ten)}"


@st.composite
def personal_codes(draw) -> str:
    surname = draw(st.text(alphabet="ABCDEFGHILMNOPRSTUVZ", min_size=2, max_size=12))
    name = draw(st.text(alphabet="ABCDEFGHILMNOPRSTUVZ", min_size=2, max_size=12))
    birth = draw(
        st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2008, 12, 31))
    )
    sex = draw(st.sampled_from(["M", "F"]))
    place = draw(st.sampled_from(["A944", "E289", "H501", "F205", "Z129"]))
    return codicefiscale.encode(surname, name, sex, birth.strftime("%d/%m/%Y"), place)


@given(numeric_codes())
def test_valid_partita_iva_passes(code):
    assert is_valid(code)
    validate_organisation_code(code)


@given(numeric_codes(), st.integers(min_value=0, max_value=10), st.integers(1, 9))
def test_any_single_digit_change_of_a_partita_iva_fails(code, position, shift):
    changed = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    assert not is_valid(changed)
    with pytest.raises(ValidationError) as error:
        validate_organisation_code(changed)
    assert error.value.code == "numeric_check_digit"


@given(personal_codes())
def test_valid_sole_trader_code_passes(code):
    assert is_valid(code)
    validate_organisation_code(code.lower())


@given(personal_codes(), st.integers(min_value=0, max_value=15), st.sampled_from(ALPHANUMERIC))
def test_any_single_character_change_of_a_sole_trader_code_fails(code, position, char):
    assume(code[position] != char)
    changed = code[:position] + char + code[position + 1 :]
    assert not is_valid(changed)
    with pytest.raises(ValidationError):
        validate_organisation_code(changed)


@given(numeric_codes())
def test_normalise_removes_separators_and_vat_prefix(code):
    spaced = f"it {code[:5]} {code[5:]}"
    assert normalise(spaced) == code
    assert normalise(code) == code


def test_omocodic_sole_trader_code_is_valid():
    # RSSMRA80A01A944I with digits of the birthplace code replaced by letters (4 -> Q).
    validate_organisation_code("rssmra80a01a94qf")
    validate_organisation_code("RSSMRA80A01A9Q4U")


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("0123456789", "numeric_length", "11 cifre"),
        ("01234567891", "numeric_check_digit", "cifra di controllo"),
        ("RSSMRA80A01A944X", "personal_invalid", "16 caratteri"),
        ("ABC", "invalid", "11 cifre"),
    ],
)
def test_errors_say_what_is_wrong_in_italian(value, code, message):
    with pytest.raises(ValidationError) as error:
        validate_organisation_code(value)
    assert error.value.code == code
    assert message in " ".join(error.value.messages)
