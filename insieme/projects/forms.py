from django import forms
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.grants.forms import ItalianDecimalField
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
    users = forms.ModelMultipleChoiceField(
        label=_("Other applicant accounts that report expenses"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = users_with_role(Role.APPLICANT)  # type: ignore[attr-defined]


class TeamMemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.all())
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
        widgets = {
            "date": DATE,
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

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours <= 0 or hours > 24:
            raise forms.ValidationError(
                _("A session lasts more than 0 and at most 24 hours."), code="hours_range"
            )
        return hours


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
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False
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
