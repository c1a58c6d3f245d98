import re
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.core.fiscal_code import normalise, validate_organisation_code
from insieme.core.listing import folded, normalise_text
from insieme.core.models import Comune
from insieme.core.phone import PhoneFormMixin
from insieme.network import activities
from insieme.network.models import (
    Agreement,
    ContactPerson,
    LegalForm,
    NetworkRole,
    Organisation,
    OrganisationMember,
)

NAME_WITH_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def autocomplete(url_name: str, datalist_id: str, **attrs) -> dict:
    """Attributes that turn a text input into an htmx-fed <datalist> autocomplete."""
    return {
        "list": datalist_id,
        "autocomplete": "off",
        "hx-get": reverse_lazy(url_name),
        "hx-trigger": "input changed delay:250ms",
        "hx-target": f"#{datalist_id}",
        "hx-sync": "this:replace",
        **attrs,
    }


class ComuneField(forms.CharField):
    """A comune typed as its name ("San Lazzaro di Savena", accents and case ignored), as
    "Name (PR)" (what the autocomplete offers), or as its ISTAT code."""

    default_error_messages = {
        "unknown": _("There is no comune called “%(value)s”: choose one from the list."),
        "ambiguous": _(
            "Several comuni are called “%(value)s”: choose one from the list, with its province."
        ),
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
        if text.isdigit():
            comune = Comune.objects.filter(pk=text).first()
            if comune is None:
                raise ValidationError(
                    self.error_messages["unknown"], code="unknown", params={"value": text}
                )
            return comune
        match = NAME_WITH_PROVINCE.match(text)
        name, province = (match["name"], match["province"].upper()) if match else (text, "")
        candidates = Comune.objects.annotate(folded=folded("name")).filter(
            folded=normalise_text(name)
        )
        if province:
            candidates = candidates.filter(province=province)
        found = list(candidates[:2])
        if not found:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text}
            )
        if len(found) > 1:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
            )
        return found[0]


class OrganisationForm(PhoneFormMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles in the network"),
        choices=NetworkRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comune = ComuneField(
        label=_("Comune"),
        required=False,
        max_length=130,
        widget=forms.TextInput(attrs=autocomplete("network:comune_options", "comune-options")),
    )

    class Meta:
        model = Organisation
        fields = [
            "fiscal_code",
            "name",
            "legal_form",
            "third_sector",
            "ateco_code",
            "comune",
            "address",
            "website",
            "email",
            "phone",
            "joined_on",
            "notes",
        ]
        labels = {"name": _("Organisation name")}
        help_texts = {
            "fiscal_code": _(
                "11 digits (partita IVA / codice fiscale), or the owner's 16-character codice "
                "fiscale for a sole trader."
            ),
            "ateco_code": _("Type a few letters of the activity or the code, then choose."),
        }
        widgets = {
            "joined_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "ateco_code": forms.TextInput(
                attrs=autocomplete("network:ateco_options", "ateco-options")
            ),
        }
        error_messages = {"name": {"required": _("Enter the organisation's name.")}}

    field_order = [
        "fiscal_code",
        "name",
        "legal_form",
        "third_sector",
        "roles",
        "ateco_code",
        "comune",
        "address",
        "website",
        "email",
        "phone",
        "joined_on",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_code"].error_messages["required"] = _(
            "Enter the partita IVA / codice fiscale: the registry is keyed on it."
        )
        self.fields["roles"].initial = [role.value for role in self.instance.roles]
        # The model allows at most 16 characters once normalised; people paste "IT 0123..." too.
        fiscal_code = cast(forms.CharField, self.fields["fiscal_code"])
        fiscal_code.max_length = 24
        fiscal_code.widget.attrs["maxlength"] = "24"
        fiscal_code.validators = []

    def clean_fiscal_code(self) -> str:
        code = normalise(self.cleaned_data["fiscal_code"])
        validate_organisation_code(code)
        existing = (
            Organisation.objects.filter(fiscal_code=code).exclude(pk=self.instance.pk).first()
        )
        if existing is not None:
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("An organisation with this codice fiscale is already registered:"),
                    reverse("network:detail", args=[existing.pk]),
                    existing.name,
                ),
                code="duplicate",
            )
        return code

    def clean_ateco_code(self) -> str:
        code = activities.normalise(self.cleaned_data["ateco_code"])
        if code:
            activities.validate_ateco_code(code)
        return code

    def clean(self):
        data = super().clean()
        # The role flags are not form fields, so the instance keeps what is set here.
        roles = set(self.cleaned_data.get("roles") or [])
        for role, field in Organisation.ROLE_FIELDS.items():
            setattr(self.instance, field, role.value in roles)
        return data


class OrganisationFilterForm(forms.Form):
    """The list's filters; every field is optional and the values end up in the URL."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.SearchInput()
    )
    ruolo = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *NetworkRole.choices]
    )
    forma = forms.ChoiceField(
        label=_("Legal form"), required=False, choices=[("", _("All forms")), *LegalForm.choices]
    )
    comune = forms.ChoiceField(label=_("Comune"), required=False)
    ets = forms.ChoiceField(
        label=_("Third sector"),
        required=False,
        choices=[("", _("All")), ("si", _("Third-sector entities")), ("no", _("Others"))],
    )

    def __init__(self, *args, comuni: QuerySet[Comune], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, codice fiscale or comune")
        cast(forms.ChoiceField, self.fields["comune"]).choices = [("", _("All comuni"))] + [
            (c.pk, str(c)) for c in comuni
        ]

    def filter(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["ruolo"]:
            field = Organisation.ROLE_FIELDS[NetworkRole(data["ruolo"])]
            queryset = queryset.filter(**{field: True})
        if data["forma"]:
            queryset = queryset.filter(legal_form=data["forma"])
        if data["comune"]:
            queryset = queryset.filter(comune_id=data["comune"])
        if data["ets"]:
            queryset = queryset.filter(third_sector=data["ets"] == "si")
        return queryset


class ContactPersonForm(PhoneFormMixin, forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "email", "phone"]
        error_messages = {"name": {"required": _("Enter the contact person's name.")}}

    def clean(self):
        data = super().clean()
        if (
            not self.cleaned_data.get("email")
            and not self.cleaned_data.get("phone")
            and not self.has_error("email")
            and not self.has_error("phone")
        ):
            raise ValidationError(
                _("Enter at least an e-mail address or a phone number, so that we can reach them."),
                code="no_contact",
            )
        return data


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "title": {"required": _("Enter the agreement's title.")},
            "starts_on": {"required": _("Enter the date the agreement starts.")},
        }


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose the user to link."),
            "invalid_choice": _("Choose a partner or funder user from the list."),
        },
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = (
            User.objects.filter(
                is_active=True, groups__name__in=[Role.PARTNER.value, Role.FUNDER.value]
            )
            .exclude(
                pk__in=OrganisationMember.objects.filter(organisation=organisation).values("user")
            )
            .distinct()
        )


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    survivor = forms.ChoiceField(
        label=_("Record to keep"),
        widget=forms.RadioSelect,
        choices=[("this", _("This record")), ("other", _("The other record"))],
        error_messages={"required": _("Choose the record to keep.")},
    )

    def __init__(self, *args, organisation: Organisation, candidates: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.candidates = candidates

    def clean_other(self) -> Organisation:
        other = (
            self.candidates.filter(pk=self.cleaned_data["other"])
            .exclude(pk=self.organisation.pk)
            .first()
        )
        if other is None:
            raise ValidationError(_("Choose the other record from the search."), code="other")
        return other


class PseudonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the owner asked for erasure on 3 March; recorded in the audit log."),
        error_messages={"required": _("Give the reason for the erasure.")},
    )
