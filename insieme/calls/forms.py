from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from insieme.calls.limits import FILE_TYPE_CHOICES
from insieme.calls.models import (
    FAQ,
    ApplicationStatus,
    Call,
    Criterion,
    EligibilityItem,
    FormSection,
    Question,
    RequiredDocument,
)
from insieme.core.fiscal_code import decode, normalise, validate_organisation_code
from insieme.network.models import LegalForm

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
)


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "code",
            "title",
            "line",
            "edition",
            "description",
            "opens_at",
            "closes_at",
            "budget",
            "max_request",
            "max_admitted",
            "evaluators_per_application",
            "blind_evaluation",
        ]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}
        help_texts = {
            "closes_at": _(
                "Europe/Rome time; applications are accepted until this second included."
            )
        }

    def clean(self):
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if self.instance.is_published:
            for name, value in (("opens_at", opens), ("closes_at", closes)):
                if value is None and name not in self.errors:
                    self.add_error(name, _("A published call needs its opening and closing."))
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing must come after the opening."))
        return data


def _formset(model, fields, extra=2, form=forms.ModelForm):
    return inlineformset_factory(
        Call, model, form=form, fields=fields, extra=extra, can_delete=True
    )


class RequiredDocumentForm(forms.ModelForm):
    """A document the applicant uploads, with what it may be and how large (the model's
    `clean`, the same limits as a file question)."""

    file_types = forms.MultipleChoiceField(
        label=_("Accepted file types"),
        choices=FILE_TYPE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Files: none ticked accepts them all."),
    )

    class Meta:
        model = RequiredDocument
        fields = ["position", "name", "description", "required", "file_types", "max_size_mb"]


# Lists of a call an operator edits as a table: kind in the URL -> formset.
CALL_LISTS = {
    "requisiti": (_("Eligibility requirements"), _formset(EligibilityItem, ["position", "text"])),
    "documenti": (
        _("Required documents"),
        _formset(
            RequiredDocument,
            ["position", "name", "description", "required", "file_types", "max_size_mb"],
            form=RequiredDocumentForm,
        ),
    ),
    "criteri": (
        _("Evaluation criteria"),
        _formset(Criterion, ["position", "name", "description", "weight", "max_score"]),
    ),
    "faq": (_("Frequently asked questions"), _formset(FAQ, ["position", "question", "answer"])),
}


class ApplicationFilterForm(forms.Form):
    """The filters of a call's applications; search, sorting and pages are
    `insieme.core.listing`'s. Applicants' codici fiscali are not searched (see DOMAIN.md)."""

    SEARCH_FIELDS = (
        "code",
        "title",
        "applicant_organisation__name",
        "applicant_person__last_name",
        "applicant_person__first_name",
    )
    SORTS: dict[str, str | tuple[str, ...]] = {
        "protocollo": "code",
        "titolo": ("title", "code"),
        "presentata": ("submitted_at", "code"),
        "stato": ("status", "code"),
    }
    DEFAULT_SORT = "protocollo"

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.SearchInput()
    )
    stato = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            *[(v, label) for v, label in ApplicationStatus.choices if v != ApplicationStatus.DRAFT],
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Protocol, title or applicant"), "autocomplete": "off"}
        )

    def filter(self, queryset):
        if self.is_valid() and self.cleaned_data["stato"]:
            queryset = queryset.filter(status=self.cleaned_data["stato"])
        return queryset


class SectionForm(forms.ModelForm):
    class Meta:
        model = FormSection
        fields = ["position", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.ModelForm):
    """A question and its limits; which limits fit which kind is the model's `clean`
    (calls/limits.py), so the builder's service refuses the same."""

    file_types = forms.MultipleChoiceField(
        label=_("Accepted file types"),
        choices=FILE_TYPE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Files: none ticked accepts them all."),
    )

    class Meta:
        model = Question
        fields = [
            "section",
            "position",
            "label",
            "kind",
            "required",
            "help_text",
            "min_length",
            "max_length",
            "min_value",
            "max_value",
            "requested_amount",
            "choices",
            "file_types",
            "max_size_mb",
        ]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}
        labels = {"section": _("Section")}

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["section"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = call.form_sections.all()


class StartApplicationForm(forms.Form):
    AS_PERSON, AS_ORGANISATION = "persona", "organizzazione"

    title = forms.CharField(label=_("Project title"), max_length=200)
    applicant_kind = forms.ChoiceField(
        label=_("You apply"),
        choices=[
            (AS_PERSON, _("as a person (self-employment)")),
            (AS_ORGANISATION, _("as the representative of an organisation")),
        ],
        widget=forms.RadioSelect,
    )
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        help_text=_("Yours, or the organisation's (11 digits)."),
    )
    first_name = forms.CharField(label=_("Name"), max_length=120, required=False)
    last_name = forms.CharField(label=_("Surname"), max_length=120, required=False)
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=200, required=False
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=[("", "—"), *LegalForm.choices], required=False
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        raw = data.get("fiscal_code") or ""
        if data.get("applicant_kind") == self.AS_ORGANISATION:
            code = normalise(raw)
            try:
                validate_organisation_code(code)
            except forms.ValidationError as error:
                self.add_error("fiscal_code", error)
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Give the organisation's name."))
        else:
            code = normalise(raw)
            if code:
                try:
                    decode(code)
                except forms.ValidationError as error:
                    self.add_error("fiscal_code", error)
            for name in ("first_name", "last_name"):
                if not data.get(name):
                    self.add_error(name, _("This field is required."))
        data["fiscal_code"] = code
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class InformationRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What do you need?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    reply_by = forms.DateTimeField(label=_("Reply by"), widget=DATETIME)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("PDF, images or office documents, at most 5 MB."),
    )


class ScreeningForm(forms.Form):
    """One pair of fields per requirement: met (yes/no) and the reason."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"met_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=[("si", _("Met")), ("no", _("Not met"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for item in self.items:
            if data.get(f"met_{item.pk}") == "no" and not data.get(f"reason_{item.pk}", "").strip():
                self.add_error(
                    f"reason_{item.pk}", _("Give the reason why the requirement is not met.")
                )
        return data

    def results(self):
        return [
            (
                item,
                self.cleaned_data[f"met_{item.pk}"] == "si",
                self.cleaned_data[f"reason_{item.pk}"],
            )
            for item in self.items
        ]
