from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.core.models import Comune, ContractType, District
from insieme.core.phone import PhoneFormMixin
from insieme.employment import links
from insieme.employment.models import (
    MAX_DURATION,
    MIN_DURATION,
    Action,
    ActionStatus,
    ContactAttempt,
    Enrolment,
    Goal,
    Interview,
    InterviewKind,
    JobProfile,
    Referral,
    ReferralOutcome,
    Service,
    Vacancy,
    VacancyStatus,
)
from insieme.employment.services import add_months
from insieme.employment.skills import skill_choices
from insieme.network import activities
from insieme.network.forms import autocomplete
from insieme.network.models import Organisation
from insieme.people.models import Person


def operators() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.OPERATOR, is_active=True).distinct()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"


class ComuneChoiceField(forms.ModelChoiceField):
    """A comune typed by name (a datalist helps), so the list of 7,900 never lands in the page."""

    widget = forms.TextInput(attrs={"list": "comuni-metropolitani", "autocomplete": "off"})
    default_error_messages = {
        "invalid_choice": _(
            "We cannot find this comune: write its name as it appears on your documents."
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Comune.objects.all(), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        name = " ".join(str(value).replace("\u2019", "'").split())
        if name.endswith(")") and "(" in name:
            name = name[: name.rindex("(")].strip()
        matches = list(Comune.objects.filter(name__iexact=name)[:2])
        if len(matches) == 1:
            return matches[0]
        metropolitan = [c for c in matches if c.is_metropolitan]
        if metropolitan:
            return metropolitan[0]
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")

    def prepare_value(self, value):
        if isinstance(value, Comune):
            return value.name
        if isinstance(value, str) and value.isdigit():
            comune = Comune.objects.filter(pk=value).first()
            return comune.name if comune else value
        return value


class SignUpForm(PhoneFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Name"), max_length=120)
    last_name = forms.CharField(label=_("Surname"), max_length=120)
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        help_text=_("16 letters and digits: you find it on your health card (tessera sanitaria)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We write to you here to confirm your sign-up."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        help_text=_("An operator will call you at this number."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    comune = ComuneChoiceField(
        label=_("Comune where you live"),
        help_text=_("For example: Bologna, Imola, Casalecchio di Reno."),
    )
    other_measure = forms.TypedChoiceField(
        label=_("Are you taking part in another programme to find work right now?"),
        help_text=_(
            "For example GOL, Garanzia Giovani or a course or traineeship paid by the Regione."
        ),
        choices=[("no", _("No")), ("si", _("Yes"))],
        coerce=lambda value: value == "si",
        widget=forms.RadioSelect,
    )
    cv_consent = forms.BooleanField(
        label=_(
            "I agree that the programme shares my CV with partner companies when it proposes me "
            "for a job."
        ),
        required=False,
        help_text=_("You can say no now and agree later with your operator."),
    )
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("To sign up you need to read the privacy notice.")},
    )

    def clean_fiscal_code(self) -> str:
        return links.clean_fiscal_code(self.cleaned_data["fiscal_code"])


class AssignForm(forms.Form):
    operator = forms.ModelChoiceField(
        label=_("Operator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators()


class CloseRegistrationForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for closing"),
        max_length=200,
        help_text=_("For example: found a job by themselves, moved away."),
        error_messages={"required": _("Write why the sign-up is closed.")},
    )


class ContactAttemptForm(forms.ModelForm):
    class Meta:
        model = ContactAttempt
        fields = ["date", "outcome", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(
                _("A contact attempt cannot be in the future."), code="future_date"
            )
        return date


class BookInterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["kind", "date", "time", "duration_minutes", "place", "video_url", "operator"]
        widgets = {"date": DateInput(), "time": TimeInput()}
        help_texts = {"video_url": _("For an appointment by video call, instead of a place.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators()
        self.fields["operator"].required = True
        self.fields["time"].required = True
        self.fields["duration_minutes"].required = False
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            c for c in InterviewKind.choices if c[0] != InterviewKind.OTHER
        ]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date < timezone.localdate():
            raise ValidationError(_("Choose a date from today on."), code="past_date")
        return date

    def clean_duration_minutes(self):
        return self.cleaned_data["duration_minutes"] or 60


class AppointmentForm(forms.Form):
    """When and where an appointment is: for moving one, or offering a slot."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=MIN_DURATION, max_value=MAX_DURATION, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an appointment by video call, instead of a place."),
    )


class CancelAppointmentForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class InterviewRecordForm(forms.Form):
    summary = forms.CharField(
        label=_("What was said"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class JobProfileForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=skill_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = JobProfile
        fields = [
            "education",
            "work_history",
            "skills",
            "skills_notes",
            "reach",
            "wished_contracts",
            "goals",
        ]
        widgets = {
            "education": forms.Textarea(attrs={"rows": 3}),
            "work_history": forms.Textarea(attrs={"rows": 3}),
            "skills_notes": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "wished_contracts": forms.CheckboxSelectMultiple,
        }


class AvailabilityForm(forms.ModelForm):
    """The person's practical availability, saved on the people registry."""

    class Meta:
        model = Person
        fields = [
            "languages",
            "driving_licence",
            "own_transport",
            "available_hours",
            "available_shifts",
            "constraints",
        ]
        widgets = {"constraints": forms.Textarea(attrs={"rows": 2})}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title"]


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["goal", "description", "owner", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = Goal.objects.filter(
            person=person
        )
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = operators()
        cast(forms.ModelChoiceField, self.fields["owner"]).empty_label = _("The person")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["kind", "title", "provider", "start_date", "end_date", "hours"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start is None:
            return start  # a service may be entered before its dates are known
        try:
            # A year on (a placement's last follow-up) must be a real date.
            add_months(start, 12)
        except ValueError:
            raise ValidationError(
                _("The start date is too far in the future: check the year."),
                code="start_too_late",
            ) from None
        return start


class EnrolForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.all())
    enrolled_on = forms.DateField(
        label=_("Enrolled on"), widget=DateInput(), initial=timezone.localdate
    )


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["hours_attended", "status"]


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=DateInput())
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1)


def vacancy_organisations(user) -> QuerySet[Organisation]:
    """The organisations `user` may enter vacancies for: any for the office, its own for a
    partner (the web form and the API use the same rule)."""
    if user.has_role(Role.OPERATOR, Role.ADMIN):
        return Organisation.objects.all()
    return links.partner_organisations(user)


class VacancyForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=skill_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comune = ComuneChoiceField(label=_("Comune of the workplace"))
    # Not written on the instance: closing and opening again are the vacancy's transitions
    # (employment/rules.py), made by the service.
    status = forms.ChoiceField(label=_("status"), choices=VacancyStatus.choices)

    class Meta:
        model = Vacancy
        fields = [
            "organisation",
            "title",
            "ateco_code",
            "comune",
            "contract_type",
            "weekly_hours",
            "shifts",
            "requirements",
            "skills",
            "openings",
            "deadline",
        ]
        widgets = {
            "deadline": DateInput(),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "ateco_code": forms.TextInput(
                attrs=autocomplete("network:ateco_options", "ateco-options")
            ),
        }
        help_texts = {
            "ateco_code": _("Type a few letters of the activity or the code, then choose.")
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        self.fields["status"].initial = self.instance.status
        if self.instance.pk is None:
            self.fields["status"].widget = forms.HiddenInput()

    def clean_ateco_code(self) -> str:
        code = activities.normalise(self.cleaned_data["ateco_code"])
        if code:
            activities.validate_ateco_code(code)
        return code

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        unchanged = self.instance.pk is not None and deadline == self.instance.deadline
        if deadline is not None and not unchanged and deadline < timezone.localdate():
            raise ValidationError(
                _("The deadline has already passed: choose a date from today on."),
                code="deadline_passed",
            )
        return deadline


class ReferForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the company"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReferralOutcomeForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["outcome", "refusal_reason", "outcome_notes", "outcome_on"]
        widgets = {"outcome_on": DateInput(), "outcome_notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PROPOSED
        ]
        self.fields["outcome_on"].initial = timezone.localdate

    def clean(self):
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("outcome") == ReferralOutcome.REFUSED and not cleaned.get("refusal_reason"):
            self.add_error(
                "refusal_reason",
                ValidationError(
                    _("Say why the candidate refused the offer."),
                    code="refusal_reason_required",
                ),
            )
        return cleaned


class VacancyFilterForm(forms.Form):
    """The filters above the list of vacancies (a GET form: the address can be bookmarked)."""

    OPEN = "aperte"
    ALL = "tutte"

    q = forms.CharField(label=_("Role or organisation"), required=False, max_length=100)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("All districts"),
    )
    contract_type = forms.ModelChoiceField(
        label=_("Contract"),
        queryset=ContractType.objects.all(),
        required=False,
        empty_label=_("All contracts"),
    )
    stato = forms.ChoiceField(
        label=_("Status"),
        choices=[(OPEN, _("Open only")), (ALL, _("Open and closed"))],
        required=False,
    )

    def filter(self, vacancies: QuerySet[Vacancy]) -> QuerySet[Vacancy]:
        """Narrow the vacancies by the valid filters; an invalid one is ignored (the form says why)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("stato", self.OPEN) != self.ALL:
            vacancies = cast(Any, vacancies).open()
        if data.get("q"):
            for word in data["q"].split():
                vacancies = vacancies.filter(
                    Q(title__icontains=word) | Q(organisation__name__icontains=word)
                )
        if data.get("district"):
            vacancies = vacancies.filter(comune__district=data["district"])
        if data.get("contract_type"):
            vacancies = vacancies.filter(contract_type=data["contract_type"])
        return vacancies

    def query_string(self) -> str:
        """The filters as they were given, to carry them across pages."""
        if not self.is_bound:
            return ""
        kept = {name: self.data.get(name, "") for name in self.fields}
        return urlencode({name: value for name, value in kept.items() if value})
