from django import forms
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.core.decimals import ItalianDecimalField
from insieme.core.fiscal_code import normalise
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.projects.models import (
    CoachingSession,
    Event,
    Milestone,
    MilestoneStatus,
    Project,
    ProjectStatus,
    SurvivalFollowUp,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonCodeField(forms.CharField):
    """A person of the registry, found by codice fiscale (the registry is too large to list)."""

    default_error_messages = {
        "unknown": _(
            "No person with this codice fiscale is in the registry: ask an operator to "
            "register them first."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        person = Person.objects.filter(fiscal_code=normalise(value)).first()
        if person is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return person


class OrganisationCodeField(forms.CharField):
    default_error_messages = {
        "unknown": _("No organisation with this codice fiscale or partita IVA is in the registry."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        organisation = Organisation.objects.filter(fiscal_code=normalise(value)).first()
        if organisation is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return organisation


def users_with_role(role: Role):
    return User.objects.filter(groups__name=role, is_active=True).order_by(
        "last_name", "first_name"
    )


class CoachesForm(forms.Form):
    coaches = forms.ModelMultipleChoiceField(
        label=_("Coaches"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = users_with_role(Role.COACH)  # type: ignore[attr-defined]


class ReportingUsersForm(forms.Form):
    """Linked accounts stay ticked; untick to unlink, or add one by e-mail (the list of every
    applicant account would be too long to show)."""

    users = forms.ModelMultipleChoiceField(
        label=_("Other applicant accounts that report expenses"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(label=_("Add an applicant account by e-mail"), required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = project.reporting_users.all()  # type: ignore[attr-defined]
        self.fields["users"].initial = list(project.reporting_users.all())

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not email:
            return None
        user = users_with_role(Role.APPLICANT).filter(email=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No applicant account has this e-mail address."), code="unknown"
            )
        return user

    def chosen_users(self) -> list[User]:
        users = list(self.cleaned_data["users"])
        if self.cleaned_data.get("email"):
            users.append(self.cleaned_data["email"])
        return users


class TeamMemberForm(forms.Form):
    person = PersonCodeField(label=_("Codice fiscale of the person"))
    role = forms.CharField(label=_("Role in the team"), max_length=120, required=False)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)


class SessionForm(forms.ModelForm):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=User.objects.none())

    class Meta:
        model = CoachingSession
        fields = ["coach", "date", "hours", "topics", "notes", "next_steps"]
        field_classes = {"hours": ItalianDecimalField}
        error_messages = {"hours": {"invalid": _("Enter the hours as a number, such as 1,5.")}}
        widgets = {
            "date": DATE,
            # Text, not number: people type hours the Italian way (1,5).
            "hours": forms.TextInput(attrs={"inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project: Project, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        coach_field = self.fields["coach"]
        coach_field.queryset = project.coaches.all()  # type: ignore[attr-defined]
        if user.has_role(Role.COACH) and not user.has_role(Role.OPERATOR, Role.ADMIN):
            coach_field.queryset = project.coaches.filter(pk=user.pk)  # type: ignore[attr-defined]
            coach_field.initial = user.pk


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=())
    on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason (required when the project is dropped)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in ProjectStatus.choices
            if value in project.allowed_transitions()
        ]

    def clean(self):
        data = super().clean() or {}
        if data.get("to") == ProjectStatus.DROPPED and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the project was dropped."))
        return data


class SurvivalFollowUpForm(forms.ModelForm):
    still_operating = forms.TypedChoiceField(
        label=_("Is the project still operating?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SurvivalFollowUp
        fields = ["done_on", "still_operating", "people_working", "notes"]
        widgets = {"done_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"people_working": _("How many people work in it?")}


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "date", "hours", "place", "description"]
        field_classes = {"hours": ItalianDecimalField}
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class ParticipantForm(forms.Form):
    person = PersonCodeField(label=_("Codice fiscale of the person"), required=False)
    organisation = OrganisationCodeField(
        label=_("or codice fiscale / partita IVA of the organisation"), required=False
    )
    project = forms.ModelChoiceField(
        label=_("On behalf of the project"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.visible_to(user).select_related("application")
        )

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("organisation")):
            raise forms.ValidationError(
                _("Choose either a person or an organisation."), code="one_participant"
            )
        return data


class AttendanceForm(forms.Form):
    attended = forms.BooleanField(label=_("Attended"), required=False)
    hours = ItalianDecimalField(
        label=_("Hours attended"), min_value=0, max_digits=6, decimal_places=2, required=False
    )
