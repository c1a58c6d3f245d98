import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core.hours import validate_weekly_hours
from insieme.core.models import ContractType
from insieme.network.models import Organisation
from insieme.people.models import Person


class RegistrationStatus(models.TextChoices):
    WAITING = "in_attesa", _("Waiting for a first contact")
    CONTACTED = "contattata", _("Contacted, interview to book")
    BOOKED = "colloquio_fissato", _("First interview booked")
    ACTIVE = "in_carico", _("In the programme")
    CLOSED = "chiusa", _("Closed")


QUEUE_STATUSES = (RegistrationStatus.WAITING, RegistrationStatus.CONTACTED)
OPEN_STATUSES = (
    RegistrationStatus.WAITING,
    RegistrationStatus.CONTACTED,
    RegistrationStatus.BOOKED,
    RegistrationStatus.ACTIVE,
)


def first_contact_target_days() -> int:
    return int(getattr(settings, "FIRST_CONTACT_TARGET_DAYS", 35))


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def open(self) -> "RegistrationQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def queue(self) -> "RegistrationQuerySet":
        """People waiting for a first contact or for their first interview, oldest first."""
        return (
            self.filter(status__in=QUEUE_STATUSES)
            .select_related("person__residence_comune", "assigned_to")
            .order_by("registered_on", "created_at", "pk")
        )

    def to_contact(self) -> "RegistrationQuerySet":
        """Waiting for a first contact (on the waiting list, nobody has reached them yet)."""
        return self.filter(status=RegistrationStatus.WAITING, first_contact_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> "RegistrationQuerySet":
        today = today or timezone.localdate()
        limit = today - datetime.timedelta(days=first_contact_target_days())
        return self.filter(
            status=RegistrationStatus.WAITING,
            first_contact_on__isnull=True,
            registered_on__lt=limit,
        )


class Registration(models.Model):
    """A person's sign-up (iscrizione) to the employment services."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations"
    )
    registered_on = models.DateField(_("sign-up date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Sign-ups created outside the sign-up service (workbook imports, history) are people the
    # programme has already taken in; services.sign_up puts new people on the waiting list.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.ACTIVE,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employment_registrations",
    )
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    self_signed_up = models.BooleanField(_("signed up online"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.CharField(_("reason for closing"), max_length=200, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["registered_on"]
        indexes = [
            models.Index(fields=["registered_on"]),
            models.Index(fields=["status", "registered_on"]),
        ]
        constraints = [
            # A person is on the lists once: a second sign-up finds the open one (two
            # submissions at the same moment included), it never makes another.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_registration_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.registered_on})"

    def days_waited(self, today: datetime.date | None = None) -> int:
        end = self.first_contact_on or today or timezone.localdate()
        return (end - self.registered_on).days

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.status == RegistrationStatus.WAITING
            and self.first_contact_on is None
            and self.days_waited(today) > first_contact_target_days()
        )


class ContactOutcome(models.TextChoices):
    REACHED = "raggiunta", _("Reached")
    NO_ANSWER = "nessuna_risposta", _("No answer")
    MESSAGE_LEFT = "messaggio", _("Message left")
    WRONG_NUMBER = "numero_errato", _("Wrong number or address")
    DECLINED = "rinuncia", _("No longer interested")


class ContactAttempt(models.Model):
    """An attempt to reach a person on the waiting list."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("sign-up"),
        on_delete=models.CASCADE,
        related_name="contact_attempts",
    )
    date = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.date}"


class InterviewKind(models.TextChoices):
    FIRST = "primo_colloquio", _("First interview")
    ORIENTATION = "orientamento", _("Orientation")
    MONITORING = "monitoraggio", _("Monitoring")
    OTHER = "altro", _("Other")


class InterviewStatus(models.TextChoices):
    BOOKED = "fissato", _("Booked")
    HELD = "svolto", _("Held")
    NO_SHOW = "assente", _("Did not come")
    CANCELLED = "annullato", _("Cancelled")


def validate_held_interview_date(day: datetime.date | None) -> None:
    """An interview recorded as held (the workbook's are) took place: not after today."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(
            _(
                "An interview held cannot be dated after today: check the date (an interview "
                "still to come is booked from the person's page)."
            ),
            code="interview_in_future",
        )


# How long an appointment (an interview, a coaching session, a slot) may last, in minutes.
MIN_DURATION, MAX_DURATION = 15, 480
DURATION_VALIDATORS = [MinValueValidator(MIN_DURATION), MaxValueValidator(MAX_DURATION)]


def starts_at(day: datetime.date, time: datetime.time | None) -> datetime.datetime | None:
    """An appointment's start in the programme's time zone (None without a time)."""
    if time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time))


class InterviewQuerySet(models.QuerySet["Interview"]):
    def agenda(self) -> "InterviewQuerySet":
        return (
            self.filter(status=InterviewStatus.BOOKED)
            .select_related("person", "operator")
            .order_by("date", "time", "pk")
        )


class Interview(models.Model):
    """An interview (colloquio) with a person."""

    CODE_PREFIX = "COL"

    code = models.CharField(_("code"), max_length=40, unique=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="interviews"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("type"), max_length=20, choices=InterviewKind.choices, default=InterviewKind.OTHER
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Imported interviews are history: they were held.
    status = models.CharField(
        _("status"), max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.HELD
    )
    time = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=DURATION_VALIDATORS
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # The calendar invitations' version: each reschedule or cancellation sends a higher one.
    sequence = models.PositiveSmallIntegerField(default=0, editable=False)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("sign-up"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
    )
    summary = models.TextField(_("summary"), blank=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-date"]
        indexes = [
            models.Index(fields=["person", "date"]),
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["date", "code"]),  # the dashboard's drill-down list
            models.Index(fields=["operator", "date"]),  # the operator's week
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MIN_DURATION)
                & Q(duration_minutes__lte=MAX_DURATION),
                name="interview_duration_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    @property
    def starts_at(self) -> datetime.datetime | None:
        return starts_at(self.date, self.time)

    @property
    def ends_at(self) -> datetime.datetime | None:
        start = self.starts_at
        return start + datetime.timedelta(minutes=self.duration_minutes) if start else None


class SlotQuerySet(models.QuerySet["Slot"]):
    def free(self) -> "SlotQuerySet":
        return self.filter(interview__isnull=True)

    def upcoming(self, now: datetime.datetime | None = None) -> "SlotQuerySet":
        now = now or timezone.now()
        local = timezone.localtime(now)
        return self.filter(
            Q(date__gt=local.date()) | Q(date=local.date(), time__gt=local.time())
        ).order_by("date", "time", "pk")


class Slot(models.Model):
    """A time an operator offers for an interview; a person books it from their own page.

    Booked, it names its interview (one slot, one interview: a database constraint, and the
    booking takes the slot with a conditional update, so two people never book the same one).
    """

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.CASCADE,
        related_name="interview_slots",
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=DURATION_VALIDATORS
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    interview = models.OneToOneField(
        Interview,
        verbose_name=_("interview"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slot",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["date", "time", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "date", "time"], name="one_slot_per_time"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MIN_DURATION)
                & Q(duration_minutes__lte=MAX_DURATION),
                name="slot_duration_range",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""), name="slot_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.time:%H:%M}"

    @property
    def starts_at(self) -> datetime.datetime:
        return starts_at(self.date, self.time)  # type: ignore[return-value]

    @property
    def is_free(self) -> bool:
        return self.interview_id is None


class Reach(models.TextChoices):
    SAME_COMUNE = "comune", _("Only in my comune")
    SAME_DISTRICT = "distretto", _("In my district")
    METROPOLITAN = "metropolitana", _("Anywhere in the metropolitan area")


class JobProfile(models.Model):
    """The professional side of a person learnt at the interviews; matching reads it.

    Practical availability (languages, licence, transport, hours, shifts, care constraints) is
    kept on the person in the people registry, where every app reads it.
    """

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="job_profile"
    )
    education = models.TextField(_("education and training"), blank=True)
    work_history = models.TextField(_("work history"), blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    skills_notes = models.TextField(_("other skills"), blank=True)
    reach = models.CharField(
        _("how far they can travel"),
        max_length=20,
        choices=Reach.choices,
        default=Reach.METROPOLITAN,
    )
    wished_contracts = models.ManyToManyField(
        ContractType, verbose_name=_("contracts wished"), blank=True, related_name="+"
    )
    goals = models.TextField(_("goals"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("job profile")
        verbose_name_plural = _("job profiles")

    def __str__(self) -> str:
        return str(self.person)


class GoalStatus(models.TextChoices):
    OPEN = "aperto", _("Open")
    ACHIEVED = "raggiunto", _("Achieved")
    DROPPED = "abbandonato", _("Dropped")


class Goal(models.Model):
    """A goal of a person's individual plan (piano individuale)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="plan_goals"
    )
    title = models.CharField(_("goal"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    TODO = "da_fare", _("To do")
    DONE = "fatta", _("Done")
    CANCELLED = "annullata", _("Cancelled")


class ActionQuerySet(models.QuerySet["Action"]):
    def due(self, today: datetime.date | None = None) -> "ActionQuerySet":
        today = today or timezone.localdate()
        return self.filter(status=ActionStatus.TODO, due_date__lte=today)


class Action(models.Model):
    """A step towards a goal: who does it, by when."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        help_text=_("Leave empty when the person does it."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_date", "created_at"]

    def __str__(self) -> str:
        return self.description


class ServiceKind(models.TextChoices):
    ORIENTATION = "orientamento", _("Orientation")
    TRAINING = "formazione", _("Training course")
    TUTORING = "tutoraggio", _("Tutoring")


class Service(models.Model):
    """An orientation activity, training course or tutoring path people enrol in.

    Traineeships (tirocini) are placements with the `tirocinio` contract: they are counted apart.
    """

    kind = models.CharField(_("type"), max_length=20, choices=ServiceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("The end date cannot come before the start date."), code="ends_before_start"
            )
        if self.hours is not None and self.hours < 0:
            errors["hours"] = ValidationError(_("Hours cannot be negative."), code="negative_hours")
        if errors:
            raise ValidationError(errors)


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "iscritta", _("Enrolled")
    COMPLETED = "completato", _("Completed")
    WITHDRAWN = "ritirata", _("Withdrawn")


class Enrolment(models.Model):
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_on = models.DateField(_("enrolled on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    hours_attended = models.DecimalField(
        _("hours attended"), max_digits=6, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on"]
        constraints = [
            models.UniqueConstraint(fields=["service", "person"], name="one_enrolment_per_service"),
            models.CheckConstraint(
                condition=Q(hours_attended__gte=0), name="enrolment_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.service}"

    def clean(self) -> None:
        if self.hours_attended is not None and self.hours_attended < 0:
            raise ValidationError(
                {
                    "hours_attended": ValidationError(
                        _("Hours cannot be negative."), code="negative_hours"
                    )
                }
            )


class Attendance(models.Model):
    """One day a person attended a service (a lesson, a day of traineeship, a tutoring meeting)."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date"], name="one_attendance_per_day"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="attendance_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} — {self.date:%d/%m/%Y}"


class VacancyStatus(models.TextChoices):
    OPEN = "aperta", _("Open")
    CLOSED = "chiusa", _("Closed")


class VacancyQuerySet(models.QuerySet["Vacancy"]):
    def for_list(self) -> "VacancyQuerySet":
        return self.select_related("organisation", "comune", "contract_type").annotate(
            referral_count=models.Count("referrals")
        )

    def visible_to(self, user) -> "VacancyQuerySet":
        """Operators see every vacancy; a partner only its organisations' ones; others none."""
        from insieme.accounts.models import Role
        from insieme.employment.links import partner_organisations

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_role(Role.OPERATOR, Role.ADMIN):
            return self
        if user.has_role(Role.PARTNER):
            return self.filter(organisation__in=partner_organisations(user))
        return self.none()

    def open(self) -> "VacancyQuerySet":
        today = timezone.localdate()
        return self.filter(status=VacancyStatus.OPEN).filter(
            Q(deadline__isnull=True) | Q(deadline__gte=today)
        )


class Vacancy(models.Model):
    """A job offer (offerta) from a partner organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="vacancies",
    )
    title = models.CharField(_("role"), max_length=200)
    ateco_code = models.CharField(_("activity (ATECO code)"), max_length=10, blank=True)
    comune = models.ForeignKey(
        "core.Comune", verbose_name=_("comune"), on_delete=models.PROTECT, related_name="+"
    )
    contract_type = models.ForeignKey(
        ContractType, verbose_name=_("contract type"), on_delete=models.PROTECT, related_name="+"
    )
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_weekly_hours],
    )
    shifts = models.CharField(_("shifts"), max_length=200, blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    openings = models.PositiveSmallIntegerField(_("openings"), default=1)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VacancyStatus.choices, default=VacancyStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(openings__gte=1), name="vacancy_has_openings"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.organisation}"

    def clean(self) -> None:
        if self.openings is not None and self.openings < 1:
            raise ValidationError(
                {
                    "openings": ValidationError(
                        _("A vacancy has at least one opening."), code="no_openings"
                    )
                }
            )

    @property
    def is_full_time(self) -> bool:
        return self.weekly_hours is None or self.weekly_hours >= 30


class ReferralOutcome(models.TextChoices):
    PROPOSED = "proposta", _("Proposed, waiting for the outcome")
    HIRED = "assunta", _("Hired")
    NOT_CHOSEN = "non_scelta", _("Not chosen by the company")
    REFUSED = "rifiutata", _("Refused by the candidate")
    NO_SHOW = "non_presentata", _("Did not show up")


class RefusalReason(models.TextChoices):
    DISTANCE = "distanza", _("Distance from home")
    CONTRACT = "contratto", _("Contract type")
    HOURS = "orario", _("Hours")
    PAY = "retribuzione", _("Pay")
    HEALTH = "salute", _("Health")
    OTHER = "altro", _("Other")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user) -> "ReferralQuerySet":
        return self.filter(vacancy__in=Vacancy.objects.visible_to(user))


class Referral(models.Model):
    """A candidate proposed to a company for a vacancy (segnalazione), with the CV shared."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.PROTECT, related_name="referrals"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="referrals"
    )
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note for the company"), blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PROPOSED,
    )
    refusal_reason = models.CharField(
        _("reason for refusing"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    outcome_notes = models.TextField(_("notes on the outcome"), blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "person"], name="one_referral_per_vacancy"),
            models.CheckConstraint(
                condition=Q(outcome="rifiutata") | Q(refusal_reason=""),
                name="refusal_reason_only_when_refused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.vacancy}"

    def clean(self) -> None:
        """The outcome is what happened: dated from the proposal to today."""
        day = self.outcome_on
        if day is None:
            return
        if day > timezone.localdate():
            raise ValidationError(
                {
                    "outcome_on": ValidationError(
                        _("The outcome is recorded once known: choose a date up to today."),
                        code="outcome_in_future",
                    )
                }
            )
        if self.proposed_on and day < self.proposed_on:
            raise ValidationError(
                {
                    "outcome_on": ValidationError(
                        _(
                            "The candidate was proposed on %(date)s: the outcome cannot come "
                            "before. Choose a date from then on."
                        ),
                        code="outcome_before_proposal",
                        params={"date": self.proposed_on.strftime("%d/%m/%Y")},
                    )
                }
            )
