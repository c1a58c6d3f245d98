import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from insieme.core import phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("051 123456", "+39051123456"),
        ("051-123456", "+39051123456"),
        ("333 1234567", "+393331234567"),
        ("+39 333 123 4567", "+393331234567"),
        ("0039 333 1234567", "+393331234567"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_numbers_are_stored_in_e164(typed, stored):
    assert phone.normalise(typed) == stored


@pytest.mark.parametrize("typed", ["abc", "000", "333", "+39 12"])
def test_what_is_not_a_number_is_refused_in_italian(typed):
    with translation.override("it"), pytest.raises(ValidationError) as error:
        phone.normalise(typed)
    assert error.value.code == "invalid_phone"
    assert "numero di telefono" in " ".join(error.value.messages)
