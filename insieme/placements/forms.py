from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application, ApplicationStatus
from insieme.core.models import ContractType
from insieme.employment.forms import DateInput, operators
from insieme.network.models import Organisation
from insieme.placements.models import FollowUp, Placement


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
            "start_date": _(
                "A start after today records the placement as planned: it counts in the "
                "figures from that day."
            ),
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
