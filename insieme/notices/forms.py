from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insieme.core import phone
from insieme.notices.models import Kind


class PreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also by e-mail"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The notice centre always shows every notice."),
    )
    sms_reminders = forms.BooleanField(
        label=_("SMS for appointment reminders"),
        required=False,
        help_text=_("The day before an appointment, to your mobile phone number."),
    )
    phone = forms.CharField(
        label=_("Mobile phone number for SMS"),
        required=False,
        max_length=40,
        help_text=_("Only if your profile has no phone number (for example +39 333 1234567)."),
    )
    weekly_digest = forms.BooleanField(
        label=_("Weekly digest of unread notices (staff)"), required=False
    )

    def __init__(self, *args, has_profile_phone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_profile_phone = has_profile_phone

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            return phone.normalise(value)
        except ValidationError as error:
            raise ValidationError(error.messages, code="phone") from None

    def clean(self):
        data = super().clean() or {}
        if data.get("sms_reminders") and not (data.get("phone") or self.has_profile_phone):
            self.add_error(
                "phone",
                ValidationError(
                    _("Give a mobile phone number to receive the SMS reminders."),
                    code="phone_required",
                ),
            )
        return data
