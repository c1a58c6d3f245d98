from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application, ApplicationStatus
from insieme.core.models import ContractType
from insieme.employment.forms import DateInput, operators, weekly_hours_in_range
from insieme.employment.services import add_months
from insieme.network.models import Organisation
from insieme.placements.models import FOLLOW_UP_MONTHS, FollowUp, Placement


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "employer",
            "contract_type",
            "start_date",
            "end_date",
            "weekly_hours",
            "is_extension",
            "extends",
            "application",
            "host_tutor",
            "programme_tutor",
            "monthly_stipend",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "host_tutor": _("Traineeships only."),
            "monthly_stipend": _("Traineeships only."),
        }

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = Organisation.objects.all()
        cast(forms.ModelChoiceField, self.fields["extends"]).queryset = Placement.objects.filter(
            person=person
        ).select_related("employer", "person")
        cast(forms.ModelChoiceField, self.fields["programme_tutor"]).queryset = operators()
        # Only projects admitted to accompaniment create jobs.
        cast(
            forms.ModelChoiceField, self.fields["application"]
        ).queryset = Application.objects.filter(status=ApplicationStatus.ACCOMPANIED).order_by(
            "code"
        )
        cast(
            forms.ModelChoiceField, self.fields["contract_type"]
        ).queryset = ContractType.objects.all()

    def clean_weekly_hours(self):
        return weekly_hours_in_range(self.cleaned_data["weekly_hours"])

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        try:
            # The follow-ups are planned from the start date: they must fall on a real date.
            add_months(start, max(FOLLOW_UP_MONTHS))
        except ValueError:
            raise ValidationError(
                _("The start date is too far in the future: check the year."),
                code="start_too_late",
            ) from None
        return start

    def clean_monthly_stipend(self):
        stipend = self.cleaned_data["monthly_stipend"]
        if stipend is not None and stipend < 0:
            raise ValidationError(_("The stipend cannot be negative."), code="negative_stipend")
        return stipend

    def clean(self):
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                ValidationError(
                    _("The end date cannot come before the start date."),
                    code="ends_before_start",
                ),
            )
        return cleaned


class FollowUpForm(forms.ModelForm):
    still_employed = forms.TypedChoiceField(
        label=_("Still employed?"),
        choices=[("si", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "si",
        widget=forms.RadioSelect,
    )
    same_contract = forms.TypedChoiceField(
        label=_("With the same contract?"),
        choices=[("si", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "si",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )

    class Meta:
        model = FollowUp
        fields = ["still_employed", "same_contract", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
