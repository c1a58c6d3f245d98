from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application
from insieme.core.decimals import TwoDecimals
from insieme.employment.models import DURATION_VALIDATORS, MAX_DURATION, MIN_DURATION, starts_at
from insieme.network.models import Organisation
from insieme.people.models import Person

ZERO_HOURS = Decimal("0.00")
HOURS = models.DecimalField(max_digits=8, decimal_places=2)


class ProjectStatus(models.TextChoices):
    ACTIVE = "attivo", _("Active")
    COMPLETED = "concluso", _("Completed")
    DROPPED = "interrotto", _("Dropped")


# Survival follow-ups, in months after the end of the accompaniment.
FOLLOW_UP_MONTHS = (12, 24)


def _sum_subquery(queryset: models.QuerySet, group: str, field: str) -> TwoDecimals:
    """A correlated SUM that does not multiply rows the way a join would."""
    summed = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    total = Coalesce(Subquery(summed, output_field=HOURS), Value(ZERO_HOURS), output_field=HOURS)
    return TwoDecimals(total, output_field=HOURS)  # SQLite sums decimals as floats


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user) -> "ProjectQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.OPERATOR, Role.ADMIN):
            return self
        if user.has_role(Role.COACH):
            return self.filter(
                Exists(Project.coaches.through.objects.filter(project=OuterRef("pk"), user=user))
            )
        return self.none()

    def reported_by(self, user) -> "ProjectQuerySet":
        """Projects whose expenses `user` reports: the application's own account, an account
        acting for the applicant organisation, or one an operator linked to the project."""
        if not user.is_authenticated or not user.has_role(Role.APPLICANT):
            return self.none()
        from insieme.network.models import OrganisationMember

        members = OrganisationMember.objects.filter(
            organisation=OuterRef("application__applicant_organisation"), user=user
        )
        linked = Project.reporting_users.through.objects.filter(project=OuterRef("pk"), user=user)
        return self.filter(Q(application__owner=user) | Exists(members) | Exists(linked))

    def with_hours(self) -> "ProjectQuerySet":
        # Hours held: a session or an event after today has not happened yet.
        today = timezone.localdate()
        sessions = CoachingSession.objects.held(today).filter(project=OuterRef("pk"))
        attendance = Participation.objects.filter(
            project=OuterRef("pk"), attended=True, event__date__lte=today
        )
        return self.annotate(
            coaching_hours=_sum_subquery(sessions, "project", "hours"),
            event_hours=_sum_subquery(attendance, "project", "hours"),
        ).annotate(
            total_hours=TwoDecimals(F("coaching_hours") + F("event_hours"), output_field=HOURS)
        )

    def for_list(self) -> "ProjectQuerySet":
        # The application's optional relations are prefetched, not joined: PostgreSQL took
        # 35 ms to plan the eight-table join (0.5 ms to run it) for every page.
        return (
            self.select_related("application__call")
            .prefetch_related(
                "coaches",
                "application__sector",
                "application__comune",
                "application__applicant_person",
                "application__applicant_organisation",
                "application__owner",
            )
            .with_hours()
        )


class Project(models.Model):
    """An application admitted to accompaniment.

    Title, line, sector, comune and applicant are the application's: read them from there.
    """

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="project"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coaches"),
        blank=True,
        related_name="coached_projects",
    )
    reporting_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant accounts"),
        blank=True,
        related_name="reporting_projects",
        help_text=_("Applicant accounts that submit expense reports for the project."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="interrotto") | ~Q(dropped_reason=""),
                name="project_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="project_ends_after_start",
            ),
        ]
        # The list shows the newest first, a page at a time: read from the index, not sorted.
        indexes = [models.Index(fields=["created_at", "id"])]

    def __str__(self) -> str:
        return self.application.title

    def allowed_transitions(self) -> set[str]:
        """The statuses the declared workflow (projects/rules.py) leads to from this one."""
        from insieme.core.rules import workflow_of

        return workflow_of(Project).targets_from(self.status)


class TeamMember(models.Model):
    """A person of the project's team (from the people registry)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="team"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="project_teams"
    )
    role = models.CharField(_("role in the team"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="team_member_once")
        ]

    def __str__(self) -> str:
        return str(self.person)


class MilestoneStatus(models.TextChoices):
    PLANNED = "prevista", _("Planned")
    DONE = "raggiunta", _("Reached")
    MISSED = "mancata", _("Missed")


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("what"), max_length=200)
    due_on = models.DateField(_("by when"))
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    PLANNED = "prevista", _("Planned")
    HELD = "svolta", _("Held")
    CANCELLED = "annullata", _("Cancelled")


class CoachingSessionQuerySet(models.QuerySet["CoachingSession"]):
    def held(self, today: date | None = None) -> "CoachingSessionQuerySet":
        """Sessions held (status held, dated up to today): only their hours are counted."""
        return self.filter(status=SessionStatus.HELD, date__lte=today or timezone.localdate())


class CoachingSession(models.Model):
    """A coaching session with a project: planned (a date and time ahead, with its place or
    video link), then held or cancelled. A session recorded as held is never dated after today
    (`clean`); the hours counted are those of the sessions held (`held()`)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="sessions"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        related_name="coaching_sessions",
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=2)
    topics = models.CharField(_("topics"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # Sessions recorded before planning existed were held; planned ones start as planned
    # (projects/rules.py).
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.HELD
    )
    time = models.TimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=DURATION_VALIDATORS
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    sequence = models.PositiveSmallIntegerField(default=0, editable=False)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CoachingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="session_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | (Q(duration_minutes__gte=MIN_DURATION) & Q(duration_minutes__lte=MAX_DURATION)),
                name="session_duration_range",
            ),
        ]
        indexes = [models.Index(fields=["coach", "date"])]

    def __str__(self) -> str:
        return f"{self.date} — {self.topics}"

    @property
    def minutes(self) -> int:
        """How long it lasts: the planned duration, or the hours recorded."""
        return self.duration_minutes or int(self.hours * 60)

    @property
    def starts_at(self):
        return starts_at(self.date, self.time)

    @property
    def ends_at(self):
        start = self.starts_at
        return start + timedelta(minutes=self.minutes) if start else None

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        held = self.status == SessionStatus.HELD
        if held and self.date and self.date > timezone.localdate():
            errors["date"] = ValidationError(
                _("A coaching session is recorded once held: choose a date up to today."),
                code="session_in_future",
            )
        if self.hours is not None and not 0 < self.hours <= 24:
            errors["hours"] = ValidationError(
                _("A session lasts more than 0 and at most 24 hours."), code="hours_range"
            )
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    TRAINING = "formazione", _("Training course")
    NETWORKING = "networking", _("Networking event")


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user) -> "EventQuerySet":
        if not user.is_authenticated or not user.has_role(Role.OPERATOR, Role.ADMIN, Role.COACH):
            return self.none()
        return self


class Event(models.Model):
    """A training course or networking event on the programme's calendar."""

    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="event_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"

    def clean(self) -> None:
        if self.hours is not None and self.hours <= 0:
            raise ValidationError(
                {
                    "hours": ValidationError(
                        _("An event lasts more than 0 hours: write how long it lasts."),
                        code="event_hours",
                    )
                }
            )


class Participation(models.Model):
    """A person or an organisation taking part in an event, on behalf of a project or not."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
    )
    attended = models.BooleanField(_("attended"), default=False)
    hours = models.DecimalField(_("hours attended"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["event__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, organisation__isnull=False)
                | Q(person__isnull=False, organisation__isnull=True),
                name="participation_one_participant",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="participation_hours_positive"),
        ]

    def __str__(self) -> str:
        return str(self.person or self.organisation)

    @property
    def participant(self) -> Person | Organisation | None:
        return self.person or self.organisation


class SurvivalFollowUpQuerySet(models.QuerySet["SurvivalFollowUp"]):
    def due(self, on: date) -> "SurvivalFollowUpQuerySet":
        return self.filter(done_on__isnull=True, due_on__lte=on)


class SurvivalFollowUp(models.Model):
    """Survival follow-up of a completed project, 12 and 24 months after its end."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after the end"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    still_operating = models.BooleanField(_("still operating"), null=True)
    people_working = models.PositiveIntegerField(_("people working"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = SurvivalFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("survival follow-up")
        verbose_name_plural = _("survival follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "months"], name="follow_up_once")]

    def __str__(self) -> str:
        return f"{self.project} +{self.months}"

    def clean(self) -> None:
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError(
                {
                    "done_on": ValidationError(
                        _("A follow-up is recorded once done: choose a date up to today."),
                        code="follow_up_in_future",
                    )
                }
            )


class CalendarFeed(models.Model):
    """A staff member's secret address for their calendar (`/calendario/<token>.ics`): whoever
    has it reads the appointments, so its owner can replace it at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
