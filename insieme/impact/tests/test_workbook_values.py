"""The parsers of workbook values, as operators type them."""

import datetime
from decimal import Decimal

import pytest
from codicefiscale import codicefiscale
from hypothesis import given
from hypothesis import strategies as st

from insieme.core.fiscal_code import check_digit
from insieme.workbook import values as v

dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))
amounts = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2)


@given(dates)
def test_dates_in_every_format_operators_use(day):
    assert v.parse_date(day.strftime("%d/%m/%Y")) == day
    assert v.parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert v.parse_date(day.isoformat()) == day
    assert v.parse_date(datetime.datetime.combine(day, datetime.time())) == day
    assert v.parse_date(f"  {day:%d/%m/%Y} ") == day


def test_spreadsheet_serial_dates_and_empty_cells():
    assert v.parse_date(45292) == datetime.date(2024, 1, 1)
    assert v.parse_date("") is None
    assert v.parse_date(None) is None


@pytest.mark.parametrize("value", ["31/02/2024", "2024-13-01"])
def test_impossible_dates(value):
    with pytest.raises(v.ValueProblem) as problem:
        v.parse_date(value)
    assert problem.value.text() == "Questa data non esiste."


@given(st.text().filter(lambda s: not any(c.isdigit() for c in s) and s.strip()))
def test_text_that_is_not_a_date_is_refused(value):
    with pytest.raises(v.ValueProblem):
        v.parse_date(value)


def italian(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@given(amounts)
def test_money_in_every_format_operators_use(amount):
    assert v.parse_money(italian(amount)) == amount
    assert v.parse_money(f"€ {italian(amount)}") == amount
    assert v.parse_money(f"{amount:.2f}") == amount
    assert v.parse_money(f"{amount:.2f}".replace(".", ",")) == amount
    assert v.parse_money(float(amount)) == amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5.000,00", "5000.00"),
        ("5000,5", "5000.50"),
        ("5000.50", "5000.50"),
        ("€ 5.000", "5000.00"),
        ("1.234.567", "1234567.00"),
        ("5,000.25", "5000.25"),
        ("€\u00a01.000", "1000.00"),
        (5000, "5000.00"),
        (2500.5, "2500.50"),
        ("", None),
    ],
)
def test_money_examples(value, expected):
    assert v.parse_money(value) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("cinquemila", "Scrivi un importo in euro, per esempio 5.000,00 oppure 5000,50."),
        ("-5", "Un importo non può essere negativo."),
        ("5,001", "Un importo in euro ha al massimo due decimali."),
        ("1,2,3", "Scrivi un importo in euro, per esempio 5.000,00 oppure 5000,50."),
    ],
)
def test_money_errors(value, message):
    with pytest.raises(v.ValueProblem) as problem:
        v.parse_money(value)
    assert problem.value.text() == message


@pytest.mark.parametrize("value", ["sì", "SI", "s", "x", "X", "true", "1", "Sì ", True, 1])
def test_yes(value):
    assert v.parse_bool(value) is True


@pytest.mark.parametrize("value", ["no", "N", "false", "0", "", None, False, 0])
def test_no(value):
    assert v.parse_bool(value) is False


@given(st.text(min_size=2).filter(lambda s: s.strip().lower() not in v._YES | v._NO))
def test_anything_else_is_not_yes_or_no(value):
    with pytest.raises(v.ValueProblem):
        v.parse_bool(value)


people = st.builds(
    lambda last, first, sex, born: codicefiscale.encode(
        lastname=last,
        firstname=first,
        gender=sex,
        birthdate=born.strftime("%d/%m/%Y"),
        birthplace="Bologna",
    ),
    st.text("ABCDEFGHILMNOPRSTUVZ", min_size=2, max_size=12),
    st.text("ABCDEFGHILMNOPRSTUVZ", min_size=2, max_size=12),
    st.sampled_from(["M", "F"]),
    st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2010, 12, 31)),
)


@given(people, st.data())
def test_a_valid_code_is_accepted_in_any_case_and_spacing(code, data):
    spaced = " ".join(code[i : i + 4] for i in range(0, 16, 4))
    typed = data.draw(st.sampled_from([code.lower(), spaced, f" {code} ", code.swapcase()]))
    assert v.parse_fiscal_code(typed) == code


@given(people, st.integers(min_value=0, max_value=14), st.data())
def test_a_changed_character_is_caught(code, position, data):
    replacement = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").filter(
            lambda c: c != code[position]
        )
    )
    typo = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(v.ValueProblem):
        v.parse_fiscal_code(typo)


@given(people, st.data())
def test_omocodic_codes_are_valid(code, data):
    omocodes = sorted(codicefiscale.decode(code)["omocodes"])
    assert v.parse_fiscal_code(data.draw(st.sampled_from(omocodes))) in omocodes


@given(st.text("0123456789", min_size=10, max_size=10))
def test_eleven_digit_codes_have_a_check_digit(first_ten):
    check = check_digit(first_ten)
    assert v.parse_fiscal_code(first_ten + str(check)) == first_ten + str(check)
    with pytest.raises(v.ValueProblem):
        v.parse_fiscal_code(first_ten + str((check + 1) % 10))


def test_a_partita_iva_stored_as_a_number_gets_its_leading_zeros_back():
    assert v.parse_fiscal_code(1234566) == "00001234566" == v.parse_fiscal_code("00001234566")


def test_known_partite_iva():
    for code in ["83016610376", "52601810378", "82199350370", "94875740378"]:
        assert v.parse_fiscal_code(code) == code


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=20))
def test_random_codes_never_crash(code):
    problem = None
    try:
        v.parse_fiscal_code(code)
    except v.ValueProblem as error:
        problem = error
    assert problem is None or problem.text()


@pytest.fixture(scope="module")
def comuni():
    return v.ComuneIndex(
        [
            ("037001", "Anzola dell'Emilia", "BO"),
            ("037006", "Bologna", "BO"),
            ("037040", "Monghidoro", "BO"),
            ("035033", "Reggio nell'Emilia", "RE"),
            ("001234", "Samone", "TO"),
            ("022165", "Samone", "TN"),
            ("037099", "Castel d'Aiano", "BO"),
            ("012345", "Castel d'Aiano", "XX"),
            ("099999", "Forlì", "FC"),
        ]
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("037006", "037006"),
        (37006, "037006"),
        ("BOLOGNA", "037006"),
        ("anzola dell\u2019emilia", "037001"),
        ("Anzola dell'  Emilia", "037001"),
        ("ANZOLA DELL` EMILIA", "037001"),
        ("Forli", "099999"),
        ("forlì", "099999"),
        ("Castel d'Aiano", "037099"),
        ("", None),
    ],
)
def test_comuni_by_istat_code_or_name(comuni, value, code):
    assert comuni.parse(value) == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("999999", "Non esiste un comune con questo codice ISTAT."),
        (
            "Atlantide",
            "Non esiste un comune con questo nome: scrivi il nome ufficiale o il codice ISTAT.",
        ),
        ("Samone", "Più comuni hanno questo nome: scrivi invece il codice ISTAT."),
    ],
)
def test_comuni_errors(comuni, value, message):
    with pytest.raises(v.ValueProblem) as problem:
        comuni.parse(value)
    assert problem.value.text() == message


def test_enumerations_are_case_insensitive():
    assert v.parse_choice(" Accompagnata ", ["accompagnata", "ritirata"]) == "accompagnata"
    with pytest.raises(v.ValueProblem) as problem:
        v.parse_choice("ammessa", ["accompagnata", "ritirata"])
    assert problem.value.text() == "Usa uno tra: accompagnata, ritirata."
