from django import forms
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("A user with the e-mail address %(email)s already exists."),
                code="duplicate_email",
                params={"email": email},
            )
        return email

    def cleaned_roles(self) -> list[Role]:
        return [Role(value) for value in self.cleaned_data["roles"]]
