"""The limits of a form's questions: what a call manager may set (`check_question`, asked by the
model's `clean` and so by the builder's service), and how the applicant reads them (`limits_text`,
`accept_attribute`). The answers are checked against them by the form `schema.py` builds, which the
services use for the web pages and the API alike."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Question, QuestionKind
from insieme.core import uploads
from insieme.core.money import eur

# The longest answer a text question may ask for, and what it allows when the manager sets none.
TEXT_LENGTH_CEILING = {QuestionKind.SHORT_TEXT: 200, QuestionKind.LONG_TEXT: 10000}
NUMERIC_KINDS = frozenset({QuestionKind.NUMBER, QuestionKind.MONEY})
CHOICE_KINDS = frozenset({QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE})

# The kinds of file a file question may accept (all of them when none is ticked), by the
# extension an applicant knows them by; each is recognised by its content (core/uploads.py).
FILE_TYPES = {
    "pdf": uploads.PDF,
    "png": uploads.PNG,
    "jpg": uploads.JPEG,
    "docx": uploads.DOCX,
    "xlsx": uploads.XLSX,
    "odt": uploads.ODT,
    "ods": uploads.ODS,
}
FILE_TYPE_CHOICES = [(code, code.upper()) for code in FILE_TYPES]
MB = 1024 * 1024
MAX_FILE_MB = uploads.MAX_UPLOAD_BYTES // MB

Refuse = Callable[..., None]


# What a call manager may set ------------------------------------------------------------------


def check_question(question: Question) -> None:
    """Raise a ValidationError by field for limits that do not fit the kind or each other."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: Any, code: str, **params: Any) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code, params or None))

    kind = question.kind
    if kind in NUMERIC_KINDS:
        _check_numbers(question, refuse)
    else:
        for name in ("min_value", "max_value"):
            if getattr(question, name) is not None:
                refuse(
                    name,
                    _("Minimum and maximum apply to numbers and amounts only: leave it empty."),
                    "limit_not_applicable",
                )
    if kind in TEXT_LENGTH_CEILING:
        _check_lengths(question, refuse)
    else:
        for name in ("min_length", "max_length"):
            if getattr(question, name) is not None:
                refuse(
                    name,
                    _("Lengths apply to text questions only: leave it empty."),
                    "length_not_applicable",
                )
    if kind in CHOICE_KINDS:
        _check_choices(question, refuse)
    elif question.choice_list:
        refuse(
            "choices",
            _("Choices apply to single and multiple choice questions only: leave it empty."),
            "choices_not_applicable",
        )
    if kind == QuestionKind.FILE:
        _check_file(question, refuse)
    else:
        if question.file_types:
            refuse(
                "file_types",
                _("File types apply to file questions only: tick none."),
                "file_types_not_applicable",
            )
        if question.max_size_mb is not None:
            refuse(
                "max_size_mb",
                _("The file size applies to file questions only: leave it empty."),
                "size_not_applicable",
            )
    if question.requested_amount:
        _check_requested_amount(question, refuse)
    if errors:
        raise ValidationError(errors)


def _number(kind: str, value: Decimal) -> str:
    if kind == QuestionKind.MONEY:
        return eur(value)
    return number_format(value.normalize(), use_l10n=True, force_grouping=True)


def _check_numbers(question: Question, refuse: Refuse) -> None:
    low, high = question.min_value, question.max_value
    for name, value in (("min_value", low), ("max_value", high)):
        if value is None:
            continue
        if question.kind == QuestionKind.NUMBER and value != value.to_integral_value():
            refuse(
                name,
                _("A number question takes whole numbers: remove the decimals."),
                "not_whole",
            )
        if question.kind == QuestionKind.MONEY and value < 0:
            refuse(name, _("An amount cannot be negative: give zero or more."), "negative_amount")
    if low is not None and high is not None and low > high:
        refuse(
            "max_value",
            _("The maximum (%(max)s) is below the minimum (%(min)s): swap or correct them."),
            "min_above_max",
            min=_number(question.kind, low),
            max=_number(question.kind, high),
        )


def _check_lengths(question: Question, refuse: Refuse) -> None:
    ceiling = TEXT_LENGTH_CEILING[QuestionKind(question.kind)]
    for name in ("min_length", "max_length"):
        value = getattr(question, name)
        if value is not None and not 1 <= value <= ceiling:
            refuse(
                name,
                _("Give a length from 1 to %(ceiling)s characters for this kind of text."),
                "length_out_of_range",
                ceiling=number_format(ceiling, force_grouping=True),
            )
    low, high = question.min_length, question.max_length
    if low is not None and high is not None and low > high:
        refuse(
            "max_length",
            _(
                "The maximum length (%(max)s) is below the minimum length (%(min)s): swap or "
                "correct them."
            ),
            "min_length_above_max",
            min=low,
            max=high,
        )


def _check_choices(question: Question, refuse: Refuse) -> None:
    choices = question.choice_list
    if len(choices) < 2:
        refuse("choices", _("Give at least two choices, one per line."), "too_few_choices")
    seen: set[str] = set()
    for choice in choices:
        if choice.casefold() in seen:
            refuse(
                "choices",
                _("The choice “%(choice)s” is given twice: give each choice once."),
                "duplicate_choice",
                choice=choice,
            )
        seen.add(choice.casefold())
    if any(len(choice) > 200 for choice in choices):
        refuse("choices", _("Keep each choice within 200 characters."), "choice_too_long")


def check_file_limits(document: Any) -> None:
    """The limits of a call's required document (calls.RequiredDocument): those of a file
    question."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: Any, code: str, **params: Any) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code, params or None))

    _check_file(document, refuse)
    if errors:
        raise ValidationError(errors)


def _check_file(question: Any, refuse: Refuse) -> None:
    types = question.file_types
    if not isinstance(types, list) or any(t not in FILE_TYPES for t in types):
        refuse("file_types", _("Tick the accepted types among those listed."), "file_type")
    if question.max_size_mb is not None and not 1 <= question.max_size_mb <= MAX_FILE_MB:
        refuse(
            "max_size_mb",
            _("Give a size from 1 to %(limit)s MB, the platform's limit."),
            "size_out_of_range",
            limit=MAX_FILE_MB,
        )


def _check_requested_amount(question: Question, refuse: Refuse) -> None:
    if question.kind != QuestionKind.MONEY:
        refuse(
            "requested_amount",
            _("Only an amount question can ask for the amount requested."),
            "requested_not_money",
        )
        return
    call = question.section.call
    other = (
        Question.objects.filter(section__call=call, requested_amount=True)
        .exclude(pk=question.pk)
        .first()
    )
    if other is not None:
        refuse(
            "requested_amount",
            _(
                "The form already asks for the amount requested with “%(label)s”: only one "
                "question may do so."
            ),
            "requested_twice",
            label=other.label,
        )
    if (
        call.max_request is not None
        and question.max_value is not None
        and question.max_value > call.max_request
    ):
        refuse(
            "max_value",
            _(
                "This maximum is above the call's maximum request (%(max)s): lower it or leave "
                "it empty."
            ),
            "above_max_request",
            max=eur(call.max_request),
        )


# What the applicant reads ---------------------------------------------------------------------


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def value_bounds(question: dict, max_request: Any = None) -> tuple[Decimal | None, Decimal | None]:
    """The smallest and largest answer a number or amount question takes (a schema's dict):
    amounts are never negative, and the amount requested is never above the call's maximum."""
    low = decimal_or_none(question.get("min_value"))
    high = decimal_or_none(question.get("max_value"))
    if question["kind"] == QuestionKind.MONEY:
        low = max(low or Decimal(0), Decimal(0))
        ceiling = decimal_or_none(max_request) if question.get("requested_amount") else None
        if ceiling is not None and (high is None or ceiling < high):
            high = ceiling
    return low, high


def accepted_types(question: dict) -> list[str]:
    """The extensions a file question accepts (all the platform's when none is set)."""
    return list(question.get("file_types") or FILE_TYPES)


def max_file_bytes(question: dict) -> int:
    size = question.get("max_size_mb")
    return size * MB if size else uploads.MAX_UPLOAD_BYTES


def accept_attribute(question: dict) -> str:
    """The `accept` of the file input: extensions and content types of what is accepted."""
    codes = accepted_types(question)
    extensions = [f".{code}" for code in codes] + ([".jpeg"] if "jpg" in codes else [])
    return ",".join(extensions + [FILE_TYPES[code] for code in codes])


def types_text(question: dict) -> str:
    return ", ".join(code.upper() for code in accepted_types(question))


def limits_text(question: dict, max_request: Any = None) -> str:
    """The question's limits as a sentence the applicant reads under the field."""
    kind = question["kind"]
    if kind in NUMERIC_KINDS:
        low, high = value_bounds(question, max_request)
        if kind == QuestionKind.MONEY and low == 0:
            low = None  # "from 0" says nothing to someone asking for money
        low_text = _number(kind, low) if low is not None else ""
        high_text = _number(kind, high) if high is not None else ""
        if low is not None and high is not None:
            return gettext("From %(min)s to %(max)s.") % {"min": low_text, "max": high_text}
        if high is not None:
            return gettext("At most %(max)s.") % {"max": high_text}
        if low is not None:
            return gettext("At least %(min)s.") % {"min": low_text}
        return ""
    if kind in TEXT_LENGTH_CEILING:
        high_length = question.get("max_length") or TEXT_LENGTH_CEILING[QuestionKind(kind)]
        low_length = question.get("min_length")
        params = {
            "min": number_format(low_length or 0, force_grouping=True),
            "max": number_format(high_length, force_grouping=True),
        }
        if low_length:
            return (
                ngettext(
                    "From %(min)s to %(max)s character.",
                    "From %(min)s to %(max)s characters.",
                    high_length,
                )
                % params
            )
        return (
            ngettext("At most %(max)s character.", "At most %(max)s characters.", high_length)
            % params
        )
    if kind == QuestionKind.FILE:
        return gettext("Accepted files: %(types)s, at most %(size)s MB.") % {
            "types": types_text(question),
            "size": max_file_bytes(question) // MB,
        }
    return ""
