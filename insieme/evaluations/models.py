import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application, Call, Criterion


class Declaration(models.TextChoices):
    PENDING = "da_dichiarare", _("Declaration pending")
    NO_CONFLICT = "nessun_conflitto", _("No conflict of interest")
    CONFLICT = "conflitto", _("Conflict of interest declared")


class ReviewState(models.TextChoices):
    """Where a review stands; it follows from the declaration and the completion."""

    ASSIGNED = "assegnata", _("Assigned, declaration pending")
    DECLARED = "dichiarata", _("No conflict declared, being scored")
    CONFLICTED = "in_conflitto", _("Conflict of interest declared")
    SUBMITTED = "completata", _("Evaluation completed")


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active(self) -> "AssignmentQuerySet":
        return self.exclude(declaration=Declaration.CONFLICT)

    def of(self, user) -> "AssignmentQuerySet":
        """What an evaluator may reach: their own assignments, never a conflicted one."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(evaluator=user)

    def for_list(self) -> "AssignmentQuerySet":
        return self.select_related("application__call", "evaluator")


class Assignment(models.Model):
    """An application given to an evaluator to score."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    declaration = models.CharField(
        _("conflict of interest"),
        max_length=20,
        choices=Declaration.choices,
        default=Declaration.PENDING,
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    completed_at = models.DateTimeField(_("evaluation completed"), null=True, blank=True)
    total = models.DecimalField(
        _("weighted total"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application__code", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "evaluator"], name="assignment_once_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.code} → {self.evaluator}"

    @property
    def may_read(self) -> bool:
        return self.declaration == Declaration.NO_CONFLICT

    @property
    def state(self) -> str:
        """The review's workflow state (evaluations/rules.py)."""
        if self.declaration == Declaration.CONFLICT:
            return ReviewState.CONFLICTED
        if self.declaration == Declaration.PENDING:
            return ReviewState.ASSIGNED
        if self.completed_at is not None:
            return ReviewState.SUBMITTED
        return ReviewState.DECLARED


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"

    @property
    def weighted(self) -> Decimal:
        return self.value / self.criterion.max_score * self.criterion.weight


class Decision(models.Model):
    """The committee's decision on a call, with the ranking it was based on (the minutes)."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="decision")
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes for the minutes"), blank=True)
    # What the applicants not selected read with their scores (evaluations/feedback.py).
    feedback_note = models.TextField(_("note to the applicants not selected"), blank=True)
    ranking = models.JSONField(_("ranking"), default=list)
    # The committee decided without waiting for every evaluation (the call manager's override,
    # "call.decide_without_all_reviews"): why, and how many were still open.
    override_reason = models.TextField(_("reason for not waiting for every evaluation"), blank=True)
    open_reviews = models.PositiveIntegerField(_("evaluations still open"), default=0)
    # Each riesame (review of the decision), oldest first: when, who, why and which outcomes
    # changed ({"at", "by", "by_name", "reason", "changes": [{"code", "title", "from", "to"}]}).
    reviews = models.JSONField(_("reviews of the decision"), default=list, blank=True)

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")

    def __str__(self) -> str:
        return str(self.call)

    @property
    def review_history(self) -> list[dict]:
        """The riesami, oldest first, each with its moment as a datetime."""
        return [
            {**review, "at": datetime.datetime.fromisoformat(review["at"])}
            for review in self.reviews
        ]
