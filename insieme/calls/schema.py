"""Application forms defined by operators: the schema snapshot and the Django form built from it."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Call, QuestionKind
from insieme.core.money import eur

YES_NO = [("si", _("Yes")), ("no", _("No"))]


def schema_of(call: Call) -> dict:
    """The call's live form definition as plain data (what a FormVersion freezes)."""
    sections = []
    for section in call.form_sections.prefetch_related("questions"):
        sections.append(
            {
                "title": section.title,
                "description": section.description,
                "questions": [
                    {
                        "key": q.key,
                        "label": q.label,
                        "kind": q.kind,
                        "required": q.required,
                        "help_text": q.help_text,
                        "max_length": q.max_length,
                        "choices": q.choice_list,
                    }
                    for q in section.questions.all()
                ],
            }
        )
    return {"sections": sections}


def field_for(question: dict, *, partial: bool) -> forms.Field:
    required = question["required"] and not partial
    common: dict[str, Any] = {
        "label": question["label"],
        "required": required,
        "help_text": question["help_text"],
    }
    kind = question["kind"]
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=question["max_length"] or 200, **common)
    if kind == QuestionKind.LONG_TEXT:
        return forms.CharField(
            max_length=question["max_length"] or 10000,
            widget=forms.Textarea(attrs={"rows": 5}),
            **common,
        )
    if kind == QuestionKind.NUMBER:
        return forms.IntegerField(**common)
    if kind == QuestionKind.MONEY:
        return forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, **common)
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
    """A form with one field per non-file question; `partial` (autosave) makes none required."""
    fields = {
        q["key"]: field_for(q, partial=partial)
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
