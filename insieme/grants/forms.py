from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from insieme.core import uploads
from insieme.core.decimals import ItalianDecimalField
from insieme.grants.models import (
    ExpenseItem,
    Fund,
    Instrument,
    MicrocreditStatus,
    RevocationKind,
    TrancheCondition,
)
from insieme.network.models import Organisation
from insieme.projects.models import Milestone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MoneyField(ItalianDecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = ["funder", "name", "instrument", "budget", "starts_on", "ends_on", "de_minimis"]
        field_classes = {"budget": MoneyField}
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.order_by(  # type: ignore[attr-defined]
            "-is_funder", "name"
        )

    def clean(self):
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot precede the start."))
        return data


class FundFilterForm(forms.Form):
    """The filters of the list of funds; sorting and pages are `insieme.core.listing`'s."""

    SORTS: dict[str, str | tuple[str, ...]] = {
        "nome": ("name", "funder__name"),
        "finanziatore": ("funder__name", "name"),
        "strumento": ("instrument", "funder__name", "name"),
        "budget": ("budget", "name"),
        "impegnato": ("committed", "name"),
        "erogato": ("paid", "name"),
        "disponibile": ("available", "name"),
    }
    DEFAULT_SORT = "finanziatore"

    finanziatore = forms.ModelChoiceField(
        label=_("Funder"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All funders"),
    )
    strumento = forms.ChoiceField(
        label=_("Instrument"),
        required=False,
        choices=[("", _("All instruments")), *Instrument.choices],
    )

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["finanziatore"]).queryset = funders

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["finanziatore"]:
            queryset = queryset.filter(funder=self.cleaned_data["finanziatore"])
        if self.cleaned_data["strumento"]:
            queryset = queryset.filter(instrument=self.cleaned_data["strumento"])
        return queryset


# The grants of a fund and the de minimis register: sorting and pages only (a search box would
# invite a beneficiary's codice fiscale into the address).
GRANT_SORTS: dict[str, str | tuple[str, ...]] = {
    "codice": "code",
    "progetto": ("application__title", "code"),
    "data": ("awarded_on", "code"),
    "concesso": ("amount_awarded", "code"),
    "revocato": ("amount_revoked", "code"),
    "erogato": ("paid", "code"),
}
UNDERTAKING_SORTS: dict[str, str | tuple[str, ...]] = {
    "impresa": "name",
    "piattaforma": ("platform_aid", "name"),
    "dichiarati": ("declared_aid", "name"),
    "totale": ("total_aid", "name"),
    "disponibile": ("headroom", "name"),
}


class AwardForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    amount = MoneyField(label=_("Amount awarded (EUR)"))
    awarded_on = forms.DateField(label=_("Award date"), widget=DATE)
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(  # type: ignore[attr-defined]
            instrument=Instrument.GRANT
        ).select_related("funder")


class TrancheForm(forms.Form):
    percentage = ItalianDecimalField(
        label=_("Percentage"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
    )
    amount = MoneyField(label=_("or amount (EUR)"), required=False)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=TrancheCondition.choices, initial=TrancheCondition.NONE
    )
    threshold = MoneyField(
        label=_("Threshold (EUR, or % of the grant)"),
        required=False,
        help_text=_(
            "For approved expenses of at least an amount: the amount in EUR. For a share of "
            "the grant: the percentage of the net amount."
        ),
    )
    milestone = forms.ModelChoiceField(
        label=_("Milestone (for the milestone condition)"),
        queryset=Milestone.objects.none(),
        required=False,
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("E.g. advance, balance on the final report."),
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        milestones = cast(forms.ModelChoiceField, self.fields["milestone"])
        if project is not None:
            milestones.queryset = project.milestones.all()
        if project is None or not project.milestones.exists():
            milestones.help_text = _("The project has no milestones yet: add them on its page.")

    def clean(self):
        data = super().clean() or {}
        if not self.has_changed():
            return data
        if (data.get("percentage") is None) == (data.get("amount") is None):
            raise ValidationError(
                _("Give each tranche either a percentage or an amount."), code="tranche_kind"
            )
        condition, threshold = data.get("condition"), data.get("threshold")
        if condition in TrancheCondition.with_threshold() and threshold is None:
            self.add_error(
                "threshold", _("Give the threshold of approved expenses that releases the tranche.")
            )
        elif condition == TrancheCondition.EXPENSES_SHARE and (threshold or 0) > 100:
            self.add_error("threshold", _("A share of the grant cannot be above 100%."))
        if condition == TrancheCondition.MILESTONE and data.get("milestone") is None:
            self.add_error("milestone", _("Choose the milestone that releases the tranche."))
        return data


TrancheFormSet = forms.formset_factory(TrancheForm, extra=2, max_num=6)


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = ExpenseItem
        fields = [
            "supplier",
            "invoice_number",
            "invoice_date",
            "description",
            "category",
            "amount",
            "attachment",
        ]
        field_classes = {"amount": MoneyField}
        widgets = {"invoice_date": DATE}
        help_texts = {"attachment": _("The invoice as PDF, PNG or JPEG, at most 5 MB.")}

    def clean_attachment(self):
        upload = self.cleaned_data["attachment"]
        uploads.check_upload(
            upload,
            accept=uploads.IMAGES_AND_PDF,
            type_error=_(
                "The file is not a PDF, PNG or JPEG document. Attach the invoice in one of these formats."
            ),
        )
        return upload


class ExpenseChangeForm(ExpenseForm):
    """Correcting an expense: the invoice already attached stays unless a new one is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].required = False
        self.fields["attachment"].help_text = _(
            "Leave it empty to keep the invoice already attached."
        )

    def clean_attachment(self):
        if isinstance(self.cleaned_data.get("attachment"), UploadedFile):
            return super().clean_attachment()
        return None


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class FinalReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the final report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    document = forms.FileField(
        label=_("Final report (document)"),
        help_text=_("PDF, ODT, DOCX, PNG or JPEG, at most 5 MB."),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        uploads.check_upload(
            upload,
            accept=uploads.DOCUMENTS,
            type_error=_(
                "The file is not a PDF, ODT, DOCX, PNG or JPEG document. Attach the report in "
                "one of these formats."
            ),
        )
        return upload


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approva", _("Approve")), ("respingi", _("Reject"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)
    amount_approved = MoneyField(label=_("Amount approved (EUR), if only in part"), required=False)

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "respingi" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the expense is rejected."))
        return data


class PayTrancheForm(forms.Form):
    paid_on = forms.DateField(label=_("Payment date"), widget=DATE)
    amount = MoneyField(label=_("Amount paid (EUR)"), required=False)


class RevocationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=RevocationKind.choices)
    amount = MoneyField(
        label=_("Amount (EUR)"),
        required=False,
        help_text=_("For a revocation leave it empty to revoke everything not yet paid."),
    )
    decided_on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") == RevocationKind.REDUCTION and data.get("amount") is None:
            self.add_error("amount", _("Give the amount of the reduction."))
        return data


class CoverageReductionForm(forms.Form):
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. expenses not eligible or not documented; it stays in the record."),
    )


class MicrocreditForm(forms.Form):
    lender = forms.ModelChoiceField(label=_("Lender"), queryset=Organisation.objects.all())
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none(), required=False)
    amount = MoneyField(label=_("Amount (EUR)"))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=240)
    requested_on = forms.DateField(label=_("Request date"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(  # type: ignore[attr-defined]
            instrument=Instrument.MICROCREDIT
        )


class MicrocreditMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=MicrocreditStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)


class DeclarationForm(forms.Form):
    grantor = forms.CharField(label=_("Granting body"), max_length=200)
    granted_on = forms.DateField(label=_("Date the aid was granted"), widget=DATE)
    amount = MoneyField(label=_("Amount (EUR)"))
    declared_on = forms.DateField(label=_("Date of the declaration"), widget=DATE)
