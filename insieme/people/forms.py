from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from insieme.core import fiscal_code as codes
from insieme.core.listing import folded, normalise_text
from insieme.core.models import Comune
from insieme.core.phone import PhoneFormMixin
from insieme.people.documents import validate_document
from insieme.people.duplicates import similar_people
from insieme.people.models import (
    PERSON_SEARCH_FIELDS,
    Consent,
    ConsentChannel,
    ConsentPurpose,
    DocumentKind,
    Person,
    Sex,
    Shift,
)


def parse_comune(value: str) -> Comune | None:
    """A comune from what an operator typed: ISTAT code, "Name (PR)" or the name alone."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return Comune.objects.filter(istat_code=text.zfill(6)).first()
    province = ""
    if text.endswith(")") and "(" in text:
        text, province = text[:-1].rsplit("(", 1)
        text, province = text.strip(), province.strip().upper()
    matches = Comune.objects.annotate(folded=folded("name")).filter(folded=normalise_text(text))
    if province:
        matches = matches.filter(province=province)
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None


def set_choices(field: Any, choices: list) -> None:
    field.choices = choices


class ComuneField(forms.CharField):
    """A text box with suggestions from the ISTAT list (see `comune_options`)."""

    default_error_messages = {
        "unknown": _("Unknown comune: type the first letters and choose one from the list."),
    }

    def prepare_value(self, value):
        if isinstance(value, Comune):
            return str(value)
        if isinstance(value, str) and value.isdigit():
            comune = Comune.objects.filter(pk=value).first()
            return str(comune) if comune else value
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        comune = parse_comune(text)
        if comune is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return comune


class PersonForm(PhoneFormMixin, forms.ModelForm):
    fiscal_code = forms.CharField(
        label=capfirst(_("codice fiscale")),
        max_length=30,
        error_messages={"required": codes.MISSING_CODE_MESSAGE},
        help_text=_(
            "16 characters, or the 11-digit temporary code. Date, sex and place of birth are "
            "read from it."
        ),
    )
    residence_comune = ComuneField(label=capfirst(_("comune of residence")), required=False)
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different person"), required=False
    )

    class Meta:
        model = Person
        fields = [
            "fiscal_code",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "residence_comune",
            "address",
            "email",
            "phone",
            "employment_condition",
            "education_level",
            "languages",
            "driving_licence",
            "own_transport",
            "available_hours",
            "available_shifts",
            "constraints",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "constraints": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_person: Person | None = None
        self.similar: list[Person] = []
        self.decoded: codes.DecodedCode | None = None
        set_choices(self.fields["sex"], [("", _("Read from the code")), *Sex.choices])
        set_choices(self.fields["available_shifts"], [("", "—"), *Shift.choices])
        self.fields["fiscal_code"].widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-post": reverse("people:check_code"),
                "hx-trigger": "change, input changed delay:400ms",
                "hx-target": "#code-info",
                "hx-sync": "this:replace",
            }
        )
        self.fields["residence_comune"].widget.attrs.update(
            {
                "list": "comuni-options",
                "autocomplete": "off",
                "hx-get": reverse("people:comune_options"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#comuni-options",
            }
        )
        if self.instance.pk:
            self.fields["residence_comune"].initial = self.instance.residence_comune
        if not self.data.get("confirm_not_duplicate") and not self._needs_confirmation():
            self.fields["confirm_not_duplicate"].widget = forms.HiddenInput()

    def _needs_confirmation(self) -> bool:
        return bool(self.is_bound and self.similar)

    def clean_fiscal_code(self) -> str:
        self.decoded = codes.decode(self.cleaned_data["fiscal_code"])
        code = self.decoded.code
        others = Person.objects.filter(fiscal_code=code).exclude(pk=self.instance.pk or 0)
        self.existing_person = others.first()
        if self.existing_person is not None:
            raise ValidationError(
                _("A person with this codice fiscale is already registered."), code="duplicate"
            )
        return code

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not self.errors and not data.get("confirm_not_duplicate"):
            others = Person.objects.exclude(pk=self.instance.pk or 0)
            self.similar = similar_people(
                others,
                last_name=data.get("last_name", ""),
                first_name=data.get("first_name", ""),
                # the date the code says when none is typed (Person.clean takes it from there)
                birth_date=data.get("birth_date")
                or (self.decoded.birth_date if self.decoded else None),
            )
            if self.similar:
                self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
                raise ValidationError(
                    _(
                        "A person with a similar name and the same date of birth is already "
                        "registered. Check the list below: if this is a different person, tick "
                        "the confirmation and save again."
                    ),
                    code="possible_duplicate",
                )
        return data

    def _post_clean(self) -> None:
        # Person.clean() checks the birth date and sex against the code (people.checks) and
        # fills them from it: with no valid code typed there is nothing to check them against.
        if self.has_error("fiscal_code"):
            return
        super()._post_clean()  # type: ignore[misc]


class SearchForm(forms.Form):
    """The people list's filters. Search, sorting and pages are `insieme.core.listing`'s."""

    SEARCH_FIELDS = PERSON_SEARCH_FIELDS
    SORTS: dict[str, str | tuple[str, ...]] = {
        "cognome": ("last_name", "first_name"),
        "nascita": ("birth_date", "last_name"),
        "comune": ("residence_comune__name", "last_name"),
        "recenti": ("-created_at",),
    }
    DEFAULT_SORT = "cognome"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    comune = ComuneField(label=_("Comune of residence"), required=False)
    condizione = forms.ChoiceField(label=_("Employment condition"), required=False)
    ordine = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from insieme.people.models import EmploymentCondition

        set_choices(self.fields["condizione"], [("", _("Any")), *EmploymentCondition.choices])
        set_choices(
            self.fields["ordine"],
            [
                ("", _("Relevance, then surname")),
                ("cognome", _("Surname A to Z")),
                ("-cognome", _("Surname Z to A")),
                ("nascita", _("Oldest first")),
                ("-nascita", _("Youngest first")),
                ("comune", _("Comune")),
                ("recenti", _("Most recently registered")),
            ],
        )
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.fields["comune"].widget.attrs.update(
            {
                "list": "comuni-options",
                "autocomplete": "off",
                "hx-get": reverse("people:comune_options"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#comuni-options",
            }
        )

    def filter(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("comune"):
            queryset = queryset.filter(residence_comune=data["comune"])
        if data.get("condizione"):
            queryset = queryset.filter(employment_condition=data["condizione"])
        return queryset


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "notice_version", "given_on", "channel"]
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["purpose"], ConsentPurpose.choices)
        set_choices(self.fields["channel"], ConsentChannel.choices)
        self.fields["given_on"].initial = timezone.localdate

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise ValidationError(
                _("A consent cannot be dated in the future."), code="future_consent"
            )
        return given_on


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, DOCX or ODT, up to 5 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = validate_document(upload)
        return upload


class SpecialCategoryForm(forms.Form):
    disability_68_99 = forms.BooleanField(
        label=_("registered disabled person (law 68/99)"), required=False
    )
    disability_percentage = forms.IntegerField(
        label=_("disability percentage"), required=False, min_value=0, max_value=100
    )
    health_notes = forms.CharField(
        label=_("health notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PseudonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the person asked for erasure on 3 March; recorded in the audit log."),
        error_messages={"required": _("Give the reason for the erasure.")},
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    survivor = forms.ChoiceField(label=_("Record to keep"), widget=forms.RadioSelect)

    def __init__(self, *args, person: Person, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.candidates = candidates
        set_choices(
            self.fields["survivor"],
            [
                ("this", _("This record")),
                ("other", _("The other record")),
            ],
        )

    def clean_other(self):
        other = (
            self.candidates.filter(pk=self.cleaned_data["other"]).exclude(pk=self.person.pk).first()
        )
        if other is None:
            raise ValidationError(_("Choose the other record from the search."), code="other")
        return other


def find_merge_candidates(queryset, text: str):
    return queryset.search(text).exclude(Q(pseudonymised_at__isnull=False))[:10]


class LinkAccountForm(forms.Form):
    """An operator links a person to their own login (or invites them to create one)."""

    email = forms.EmailField(
        label=_("E-mail address of the person's account"),
        help_text=_(
            "If no account has this address, one is created and the person receives an "
            "e-mail to choose a password."
        ),
        error_messages={"required": _("Type the e-mail address of the person's account.")},
    )
    identity_checked = forms.BooleanField(
        label=_(
            "I have checked the person's identity document, and the person confirmed that this "
            "address and account are theirs"
        ),
        error_messages={
            "required": _(
                "Confirm that you have checked the person's identity: a matching e-mail address "
                "alone does not prove who owns an account."
            )
        },
    )


def show_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on its form: each message on the field it names when the form has
    that field, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
