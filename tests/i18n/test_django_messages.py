"""The messages Django and allauth write for us, read in Italian.

A page shows them only on the input that provokes them (a short password, an overlong value), so
they are asked for here one by one: the password validators of settings.AUTH_PASSWORD_VALIDATORS
and their help, the error messages of every form field and validator Django has, file sizes and
dates. Where a library's own catalogue lacks the Italian (or has it wrong), insieme/core/catalogue.py
gives it.
"""

import datetime

import pytest
from django import forms
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    password_validators_help_texts,
    validate_password,
)
from django.core import validators
from django.core.exceptions import ValidationError
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from tests.i18n.english import find_english


def english(messages) -> list[str]:
    return [str(f) for f in find_english([str(m) for m in messages])]


@pytest.fixture(autouse=True)
def italian():
    with translation.override("it"):
        yield


def errors_of(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return error.messages
    return []


def test_the_password_rules_speak_italian():
    messages = errors_of("123") + errors_of("password") + password_validators_help_texts()
    assert len(get_default_password_validators()) == 4
    assert "Questa password è troppo corta. Deve contenere almeno 10 caratteri." in messages
    assert not english(messages)


def test_every_form_field_error_speaks_italian():
    fields = [
        cls
        for cls in vars(forms).values()
        if isinstance(cls, type) and issubclass(cls, forms.Field)
    ]
    messages = []
    for cls in fields:
        for klass in cls.__mro__:
            messages += list(getattr(klass, "default_error_messages", {}).values())
    params = {"limit_value": 10, "show_value": 12, "max": 3, "min": 1, "num": 2, "value": "x"}
    for validator in (
        validators.MaxLengthValidator(10),
        validators.MinLengthValidator(10),
        validators.MaxValueValidator(10),
        validators.MinValueValidator(1),
        validators.StepValueValidator(5),
        validators.DecimalValidator(5, 2),
        validators.EmailValidator(),
        validators.URLValidator(),
    ):
        messages.append(getattr(validator, "message", ""))
        messages += list(getattr(validator, "messages", {}).values())
    rendered = []
    for message in messages:
        try:
            rendered.append(str(message) % params)
        except (KeyError, TypeError, ValueError):
            rendered.append(str(message))
    assert len(rendered) > 40
    assert not english(rendered)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(1, "1 byte"), (45, "45 byte"), (1230, "1,2 KB"), (1_258_291, "1,2 MB")],
)
def test_file_sizes_in_italian(size, expected):
    assert filesizeformat(size).replace("\xa0", " ") == expected


def test_months_and_days_are_lowercase():
    day = datetime.date(2026, 12, 7)
    assert date_filter(day, "DATE_FORMAT") == "7 dicembre 2026"
    assert date_filter(day, "l j F Y") == "lunedì 7 dicembre 2026"
    assert date_filter(day, "D j b") == "lun 7 dic"  # "M" is title-cased by Django: not for us


def test_the_slips_the_issue_names_are_gone():
    from django.utils.translation import gettext, ngettext

    assert (
        ngettext("%(n)s evaluator per application", "%(n)s evaluators per application", 1)
        % {"n": 1}
        == "1 valutatore per candidatura"
    )
    assert gettext("Welcome, %(name)s") % {"name": "Olga"} == "Ti diamo il benvenuto, Olga"
    assert gettext("Requests for information") == "Richieste di integrazione"
    assert gettext("no fund") == "senza fondo"
    assert gettext("Section") == "Sezione"
