"""Application forms defined by operators: the schema snapshot and the Django form built from it."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from insieme.calls.limits import TEXT_LENGTH_CEILING, decimal_or_none, limits_text, value_bounds
from insieme.calls.models import Call, Question, QuestionKind, RequiredDocument
from insieme.core.money import eur

YES_NO = [("si", _("Yes")), ("no", _("No"))]


def question_schema(question: Question) -> dict:
    """One question as a FormVersion keeps it, with the limits its answer must respect."""

    def decimal(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "key": question.key,
        "label": question.label,
        "kind": question.kind,
        "required": question.required,
        "help_text": question.help_text,
        "min_length": question.min_length,
        "max_length": question.max_length,
        "min_value": decimal(question.min_value),
        "max_value": decimal(question.max_value),
        "choices": question.choice_list,
        "file_types": list(question.file_types or []),
        "max_size_mb": question.max_size_mb,
        "requested_amount": question.requested_amount,
    }


def schema_of(call: Call) -> dict:
    """The call's live form definition as plain data (what a FormVersion freezes), with the
    call's maximum request, which the question of the amount requested answers within."""
    sections = []
    for section in call.form_sections.prefetch_related("questions"):
        sections.append(
            {
                "title": section.title,
                "description": section.description,
                "questions": [question_schema(q) for q in section.questions.all()],
            }
        )
    documents = list(call.required_documents.all())
    if documents:
        sections.append(
            {
                "title": gettext("Documents to attach"),
                "description": "",
                "questions": [document_schema(d) for d in documents],
            }
        )
    max_request = None if call.max_request is None else str(call.max_request)
    return {"sections": sections, "max_request": max_request}


def document_schema(document: RequiredDocument) -> dict:
    """A required document as the file question the applicant answers with an upload."""
    return {
        "key": document.key,
        "label": document.name,
        "kind": QuestionKind.FILE.value,
        "required": document.required,
        "help_text": document.description,
        "min_length": None,
        "max_length": None,
        "min_value": None,
        "max_value": None,
        "choices": [],
        "file_types": list(document.file_types or []),
        "max_size_mb": document.max_size_mb,
        "requested_amount": False,
        "document": True,
    }


def help_text(question: dict, max_request: Any = None) -> str:
    """The manager's help text, then the limits of the answer (escaped: the field template
    prints help texts as HTML)."""
    parts = [question["help_text"], limits_text(question, max_request)]
    return str(conditional_escape(" ".join(p for p in parts if p)))


def _amount_messages(question: dict, max_request: Any) -> dict[str, str]:
    low, high = value_bounds(question, max_request)
    messages = {}
    if low is not None:
        messages["min_value"] = (
            gettext("An amount cannot be negative: give zero or more.")
            if low == 0
            else gettext("Give an amount of at least %(min)s.") % {"min": eur(low)}
        )
    if high is not None:
        own = decimal_or_none(question.get("max_value"))
        if question.get("requested_amount") and (own is None or high < own):
            messages["max_value"] = gettext(
                "The call's maximum request is %(max)s: ask for at most that amount."
            ) % {"max": eur(high)}
        else:
            messages["max_value"] = gettext("Give an amount of at most %(max)s.") % {
                "max": eur(high)
            }
    return messages


NUMBER_CEILING = Decimal(2_147_483_647)
TEXT_MESSAGES = {
    "max_length": ngettext_lazy(
        "Write at most %(limit_value)d character (it has %(show_value)d).",
        "Write at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    "min_length": ngettext_lazy(
        "Write at least %(limit_value)d character (it has %(show_value)d).",
        "Write at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
}


def field_for(question: dict, *, partial: bool, max_request: Any = None) -> forms.Field:
    """The form field of a question (a schema's dict) with its limits; `partial` (autosave)
    leaves out what only a finished answer must meet: being given, and its minimum length."""
    required = question["required"] and not partial
    common: dict[str, Any] = {
        "label": question["label"],
        "required": required,
        "help_text": help_text(question, max_request),
    }
    kind = question["kind"]
    if kind in TEXT_LENGTH_CEILING:
        min_length = question.get("min_length")
        field = forms.CharField(
            max_length=question.get("max_length") or TEXT_LENGTH_CEILING[QuestionKind(kind)],
            min_length=None if partial else min_length,
            error_messages=TEXT_MESSAGES,
            widget=forms.Textarea(attrs={"rows": 5}) if kind == QuestionKind.LONG_TEXT else None,
            **common,
        )
        if min_length:
            field.widget.attrs["minlength"] = str(min_length)
        return field
    if kind == QuestionKind.NUMBER:
        low, high = value_bounds(question)
        # Without a maximum of its own a number still fits what a count can be.
        high = NUMBER_CEILING if high is None else min(high, NUMBER_CEILING)
        messages = {}
        if low is not None:
            messages["min_value"] = gettext("Give a number of at least %(min)s.") % {
                "min": int(low)
            }
        if high is not None:
            messages["max_value"] = gettext("Give a number of at most %(max)s.") % {
                "max": int(high)
            }
        return forms.IntegerField(
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
            error_messages=messages,
            **common,
        )
    if kind == QuestionKind.MONEY:
        low, high = value_bounds(question, max_request)
        return forms.DecimalField(
            max_digits=12,
            decimal_places=2,
            min_value=low,
            max_value=high,
            error_messages=_amount_messages(question, max_request),
            **common,
        )
    if kind == QuestionKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question["choices"]], widget=forms.RadioSelect, **common
        )
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question["choices"]],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    raise ValueError(kind)


def answers_form_class(schema: dict, *, partial: bool) -> type[forms.Form]:
    """A form with one field per non-file question; `partial` (autosave) makes none required
    and asks no minimum length, while every other limit applies to what is saved."""
    max_request = schema.get("max_request")
    fields = {
        q["key"]: field_for(q, partial=partial, max_request=max_request)
        for section in schema["sections"]
        for q in section["questions"]
        if q["kind"] != QuestionKind.FILE
    }
    return type("AnswersForm", (forms.Form,), fields)


def to_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None:
        return ""
    return value


def is_empty(value: Any) -> bool:
    return value in (None, "", [], ())


def display(question: dict, value: Any) -> str:
    if is_empty(value):
        return ""
    if question["kind"] == QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(value)
    if question["kind"] == QuestionKind.YES_NO:
        return str(dict(YES_NO).get(value, value))
    if question["kind"] == QuestionKind.DATE:
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if question["kind"] == QuestionKind.MONEY:
        try:
            amount = Decimal(value)
        except ArithmeticError:
            return str(value)
        return eur(amount)
    return str(value)
