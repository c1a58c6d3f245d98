from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import User
from insieme.calls.models import Application


class DeclarationForm(forms.Form):
    NO_CONFLICT, CONFLICT = "nessuno", "conflitto"

    declaration = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            (NO_CONFLICT, _("I declare that I have no conflict of interest with this application")),
            (CONFLICT, _("I have a conflict of interest with this application")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("If there is a conflict, describe it briefly"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("declaration") == self.CONFLICT and not data.get("note", "").strip():
            self.add_error("note", _("Describe the conflict of interest briefly."))
        return data


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.DecimalField(
                label=_("%(criterion)s (0-%(max)s, weight %(weight)s)")
                % {
                    "criterion": c.name,
                    # number_format: "10", not the "1E+1" of a normalised Decimal's str()
                    "max": number_format(c.max_score.normalize()),
                    "weight": number_format(c.weight.normalize()),
                },
                min_value=0,
                max_value=c.max_score,
                max_digits=6,
                decimal_places=2,
                required=False,
                help_text=c.description,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def values(self):
        return {
            c.pk: (
                self.cleaned_data.get(f"score_{c.pk}"),
                self.cleaned_data.get(f"comment_{c.pk}", ""),
            )
            for c in self.criteria
        }


class EvaluatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.load} {_('assigned')})"


class AssignForm(forms.Form):
    evaluators = EvaluatorChoiceField(
        label=_("Evaluators"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one evaluator.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluators"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class DecisionForm(forms.Form):
    """The committee's choice. Nothing is ticked to start with: the committee chooses."""

    admitted = forms.ModelMultipleChoiceField(
        label=_("Admitted to accompaniment"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes for the minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback_note = forms.CharField(
        label=_("Note to the applicants not selected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Each applicant not selected reads it with their scores by criterion, in the "
            "outcome e-mail and on their application's page."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for deciding without the missing evaluations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when some assigned evaluations will not come: the reason goes into the audit "
            "log and the minutes."
        ),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["admitted"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class ReviewDecisionForm(forms.Form):
    """The riesame: the applications admitted after the review, and why."""

    admitted = forms.ModelMultipleChoiceField(
        label=_("Admitted to accompaniment after the review"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for the review"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicants whose outcome changes read it in their notice."),
        error_messages={
            "required": _(
                "Say why the decision is reviewed: the applicants whose outcome changes read it."
            )
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["admitted"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset
