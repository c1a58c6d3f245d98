"""Placements (inserimenti lavorativi) and their follow-ups at 3, 6 and 12 months.

They were part of the employment app; their tables keep the names they had there.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application
from insieme.core.hours import validate_weekly_hours
from insieme.core.models import ContractType
from insieme.employment.models import Referral
from insieme.network.models import Organisation
from insieme.people.models import Person


class PlacementQuerySet(models.QuerySet["Placement"]):
    def started(self, today: datetime.date | None = None) -> "PlacementQuerySet":
        """The placements that have started: a planned one (starting after today) is in no
        figure until its first day."""
        return self.filter(start_date__lte=today or timezone.localdate())

    def visible_to(self, user) -> "PlacementQuerySet":
        """Operators and administrators see every placement. A partner: the placements at its own
        organisations of people who were referred to that organisation (it sees only the
        candidates referred to it). A coach: the placements created by the projects it
        accompanies. Anyone else: none."""
        from insieme.accounts.models import Role
        from insieme.employment.links import partner_organisations

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_role(Role.OPERATOR, Role.ADMIN):
            return self
        scope = Q(pk__in=[])
        if user.has_role(Role.PARTNER):
            referred = Referral.objects.filter(
                person=models.OuterRef("person"), vacancy__organisation=models.OuterRef("employer")
            )
            scope |= Q(employer__in=partner_organisations(user)) & Q(models.Exists(referred))
        if user.has_role(Role.COACH):
            # The projects it coaches, named by the lookup (projects sits above employment).
            coached = Application.objects.filter(pk=models.OuterRef("application"))
            scope |= Q(models.Exists(coached.filter(project__coaches=user)))
        return self.filter(scope)


class Placement(models.Model):
    """A job placement (inserimento lavorativo); a `tirocinio` contract is a traineeship."""

    CODE_PREFIX = "INS"

    code = models.CharField(_("code"), max_length=40, unique=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements"
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    contract_type = models.ForeignKey(
        ContractType, verbose_name=_("contract type"), on_delete=models.PROTECT
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_weekly_hours],
    )
    is_extension = models.BooleanField(_("extension of a previous contract"), default=False)
    application = models.ForeignKey(
        Application,
        verbose_name=_("project that created the job"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    extends = models.ForeignKey(
        "self",
        verbose_name=_("contract extended"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extensions",
    )
    referral = models.OneToOneField(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placement",
    )
    # Traineeships (tirocini) only.
    host_tutor = models.CharField(_("host organisation tutor"), max_length=200, blank=True)
    programme_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme tutor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    monthly_stipend = models.DecimalField(
        _("monthly stipend (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had in the employment app (triggers and history name it).
        db_table = "employment_placement"
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "start_date"]),
            # The dashboard's drill-down list pages in this order (bench: 230 -> 40 ms).
            models.Index(fields=["start_date", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.employer} ({self.start_date})"

    @property
    def is_traineeship(self) -> bool:
        return self.contract_type.code == ContractType.TRAINEESHIP

    @property
    def is_planned(self) -> bool:
        """A placement starting after today: recorded, counted from its start."""
        return self.start_date > timezone.localdate()

    def clean(self) -> None:
        from insieme.employment.services import add_months

        errors: dict[str, ValidationError] = {}
        if self.start_date:
            try:
                # The follow-ups are planned from the start date: they must fall on a real date.
                add_months(self.start_date, max(FOLLOW_UP_MONTHS))
            except ValueError:
                errors["start_date"] = ValidationError(
                    _("The start date is too far in the future: check the year."),
                    code="start_too_late",
                )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("The end date cannot come before the start date."), code="ends_before_start"
            )
        if self.monthly_stipend is not None and self.monthly_stipend < 0:
            errors["monthly_stipend"] = ValidationError(
                _("The stipend cannot be negative."), code="negative_stipend"
            )
        if errors:
            raise ValidationError(errors)


FOLLOW_UP_MONTHS = (3, 6, 12)
# A follow-up may be recorded from this many days before its due date (an operator reaching the
# person a little early), never earlier: a check on the first day says nothing of the job.
FOLLOW_UP_TOLERANCE_DAYS = 15


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def due(self, today: datetime.date | None = None) -> "FollowUpQuerySet":
        today = today or timezone.localdate()
        return self.filter(done_on__isnull=True, due_on__lte=today)


class FollowUp(models.Model):
    """A check on a placement 3, 6 and 12 months after it started."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    still_employed = models.BooleanField(_("still employed"), null=True)
    same_contract = models.BooleanField(_("same contract"), null=True)
    notes = models.TextField(_("notes"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        db_table = "employment_followup"
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "months"], name="one_follow_up_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.placement} +{self.months}"

    @property
    def opens_on(self) -> datetime.date:
        """The first day it may be recorded."""
        return self.due_on - datetime.timedelta(days=FOLLOW_UP_TOLERANCE_DAYS)

    def days_late(self, today: datetime.date | None = None) -> int:
        """Days past the due date of a follow-up not yet done (0 when not late)."""
        if self.done_on is not None:
            return 0
        return max(0, ((today or timezone.localdate()) - self.due_on).days)

    @property
    def is_overdue(self) -> bool:
        return self.days_late() > 0

    @property
    def is_open(self) -> bool:
        """It may be recorded now (from `opens_on` on)."""
        return self.opens_on <= timezone.localdate()
