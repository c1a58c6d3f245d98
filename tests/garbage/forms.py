"""The POST forms of a rendered page, read with the standard library's HTML parser.

A `Form` keeps where it posts and its fields as a browser would send them: a field's type (the
input's, or "select" and "textarea"), its current value, its choices and its HTML constraints
(required, min, max, maxlength). `baseline()` fills what is still empty the way a careful user
would, so that a garbage value sent in one field is the only thing wrong with the request.
"""

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.utils import timezone

SKIPPED_TYPES = {"submit", "button", "reset", "image"}


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "select" or "textarea"
    value: str = ""
    values: list[str] = field(default_factory=list)  # checked boxes or selected options
    choices: list[str] = field(default_factory=list)
    required: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    multiple: bool = False

    @property
    def is_choice(self) -> bool:
        return self.kind in ("select", "radio", "checkbox")


@dataclass
class Form:
    action: str  # the path it posts to
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)
    submit: dict[str, str] = field(default_factory=dict)  # the first named submit button

    @property
    def multipart(self) -> bool:
        return self.enctype == "multipart/form-data"

    def baseline(self) -> dict[str, list[str] | str]:
        """The values a user who fills every field sensibly would send."""
        data: dict[str, list[str] | str] = {}
        for f in self.fields.values():
            if f.kind == "file":
                continue  # files are sent by the test, which knows what it sends
            if f.kind == "checkbox":
                chosen = f.values or ([f.choices[0]] if f.required and f.choices else [])
                if chosen:
                    data[f.name] = chosen
            elif f.kind == "radio" or (f.kind == "select" and not f.multiple):
                chosen = f.values[:1] or [c for c in f.choices if c][:1]
                if chosen:
                    data[f.name] = chosen[0]
            elif f.kind == "select":
                data[f.name] = f.values or [c for c in f.choices if c][:1]
            else:
                data[f.name] = f.value or (sensible(f) if f.required else "")
        data.update(self.submit)
        return data


def sensible(f: Field) -> str:
    today = timezone.localdate()
    low = f.attrs.get("min")
    return {
        "date": (low or (today - datetime.timedelta(days=1)).isoformat()),
        "datetime-local": f"{today - datetime.timedelta(days=1)}T10:00",
        "time": "10:00",
        "number": low if low and low.lstrip("-").isdigit() else "1",
        "email": "prova@esempio.it",
        "tel": "+39 051 1234567",
        "url": "https://www.esempio.it/",
    }.get(f.kind, "Prova")


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: str | None = None  # the text of an option without a value
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urlsplit(urljoin(self.page, a.get("action") or self.page)).path
                self.form = Form(action=action, enctype=a.get("enctype", "").lower())
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if name and "__prefix__" in name:
            return  # a formset's template row, which the formset never reads
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_TYPES:
                if not self.form.submit and name:
                    self.form.submit = {name: a.get("value", "")}
                return
            f = self.form.fields.setdefault(
                name, Field(name, kind, required="required" in a, attrs=a)
            )
            if kind in ("checkbox", "radio"):
                f.choices.append(a.get("value", "on"))
                if "checked" in a:
                    f.values.append(a.get("value", "on"))
            else:
                f.value = a.get("value", "")
        elif tag == "button" and name and not self.form.submit:
            if a.get("type", "submit").lower() == "submit":
                self.form.submit = {name: a.get("value", "")}
        elif tag == "select" and name:
            self.select = self.form.fields.setdefault(
                name,
                Field(name, "select", required="required" in a, attrs=a, multiple="multiple" in a),
            )
        elif tag == "option" and self.select is not None:
            # An option without a value sends its text, read in handle_data.
            self.option = None if "value" in a else ""
            self.select.choices.append(a.get("value", ""))
            if "selected" in a:
                self.select.values.append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = self.form.fields.setdefault(
                name, Field(name, "textarea", required="required" in a, attrs=a)
            )

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.select is not None and self.option is not None:
            self.option += data.strip()
            chosen = self.select.choices[-1] in self.select.values
            self.select.choices[-1] = self.option
            if chosen:
                self.select.values[-1] = self.option

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None:
                self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea = None
        elif tag == "option":
            self.option = None


def post_forms(html: str, page: str) -> list[Form]:
    """The POST forms of a page served at `page` (the path actions are resolved against)."""
    parser = _Parser(page)
    parser.feed(html)
    return parser.forms
