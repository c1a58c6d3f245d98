import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.api.models import Scope

MAX_DAYS = 366


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “HR system”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Read lets the token read data; write lets it make changes."),
        error_messages={"required": _("Choose at least one scope.")},
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that lasts until you revoke it (at most a year)."),
    )

    def clean_expires_on(self) -> datetime.date:
        today = timezone.localdate()
        value = self.cleaned_data["expires_on"] or today + datetime.timedelta(days=MAX_DAYS)
        if value <= today:
            raise forms.ValidationError(_("The expiry date must be in the future."), code="expired")
        if value > today + datetime.timedelta(days=MAX_DAYS):
            raise forms.ValidationError(
                _("A token lasts at most a year: choose an earlier date."), code="too_long"
            )
        return value

    def expires_at(self) -> datetime.datetime:
        day = self.cleaned_data["expires_on"]
        return datetime.datetime.combine(
            day, datetime.time.max, tzinfo=timezone.get_current_timezone()
        )
