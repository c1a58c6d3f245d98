import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core.models import Comune, Sector
from insieme.core.money import eur
from insieme.network.models import Organisation
from insieme.people.models import Person


class Line(models.TextChoices):
    SOCIAL_INNOVATION = "innovazione_sociale", _("Social innovation")
    SELF_EMPLOYMENT = "autoimpiego", _("Self-employment")


class CallState(models.TextChoices):
    """Where a call stands; it follows from its dates and its decision (see calls/rules.py)."""

    DRAFT = "bozza", _("Draft")
    PUBLISHED = "pubblicato", _("Published, not open yet")
    OPEN = "aperto", _("Open for applications")
    CLOSED = "chiuso", _("Closed")
    DECIDED = "deciso", _("Decided by the committee")


class CallQuerySet(models.QuerySet["Call"]):
    def published(self) -> "CallQuerySet":
        return self.filter(published_at__isnull=False)

    def open_at(self, moment: datetime) -> "CallQuerySet":
        return self.published().filter(opens_at__lte=moment, closes_at__gte=moment)


class Call(models.Model):
    """A call for proposals (bando) of one line."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    line = models.CharField(_("line"), max_length=30, choices=Line.choices)
    edition = models.PositiveSmallIntegerField(_("edition (year)"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opening"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closing"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_admitted = models.PositiveIntegerField(
        _("maximum number of projects to admit"), null=True, blank=True
    )
    max_request = models.DecimalField(
        _("maximum request per application"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The most an application may ask for: it applies to the form's question of the "
            "amount requested."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    blind_evaluation = models.BooleanField(
        _("blind evaluation"),
        default=False,
        help_text=_("Evaluators do not see who the applicant is."),
    )
    evaluators_per_application = models.PositiveSmallIntegerField(
        _("evaluators per application"), default=2, validators=[MinValueValidator(1)]
    )
    form_frozen_at = models.DateTimeField(_("form frozen"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-edition", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_request__isnull=True) | Q(max_request__gt=0),
                name="call_max_request_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def clean(self) -> None:
        if self.max_request is None:
            return
        if self.max_request <= 0:
            raise ValidationError(
                {
                    "max_request": ValidationError(
                        _("Give a maximum request above zero, or leave it empty for no limit."),
                        code="max_request_not_positive",
                    )
                }
            )
        if self.budget is not None and self.max_request > self.budget:
            raise ValidationError(
                {
                    "max_request": ValidationError(
                        _(
                            "The maximum request (%(max)s) is above the call's budget "
                            "(%(budget)s): lower it or raise the budget."
                        ),
                        code="max_request_above_budget",
                        params={"max": eur(self.max_request), "budget": eur(self.budget)},
                    )
                }
            )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def accepts_submissions(self, moment: datetime | None = None) -> bool:
        """Open from the opening second to the closing second, both included.

        The closing second is whole: 10:00:00.900 is still "10:00:00" for a person reading the
        deadline, so the moment is compared at the precision of seconds.
        """
        moment = (moment or timezone.now()).replace(microsecond=0)
        return (
            self.is_published
            and self.opens_at is not None
            and self.closes_at is not None
            and self.opens_at <= moment <= self.closes_at
        )

    @property
    def form_is_frozen(self) -> bool:
        return self.form_frozen_at is not None

    @property
    def has_closed(self) -> bool:
        return self.closes_at is not None and timezone.now().replace(microsecond=0) > self.closes_at

    @property
    def state(self) -> str:
        """The call's workflow state (calls/rules.py): it follows from the publication, the
        dates and the committee's decision (the evaluations app's `decision`)."""
        if not self.is_published:
            return CallState.DRAFT
        if hasattr(self, "decision"):
            return CallState.DECIDED
        if self.has_closed:
            return CallState.CLOSED
        if self.accepts_submissions():
            return CallState.OPEN
        return CallState.PUBLISHED


class EligibilityItem(models.Model):
    """One requirement of a call's eligibility checklist."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="eligibility_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("requirement"), max_length=300)

    class Meta:
        verbose_name = _("eligibility requirement")
        verbose_name_plural = _("eligibility requirements")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class RequiredDocument(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("document"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The applicant uploads each document in the application form (schema.schema_of puts them in
    # a section of their own, as file questions), with the same limits as a file question.
    required = models.BooleanField(_("required"), default=True)
    file_types = models.JSONField(
        _("accepted file types"),
        default=list,
        blank=True,
        help_text=_("Files: none ticked accepts them all."),
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("maximum file size (MB)"),
        null=True,
        blank=True,
        help_text=_("Files: at most 5 MB, the platform's limit."),
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The key of its upload among the form's answers (question keys are never so named)."""
        return f"doc-{self.pk}"

    def clean(self) -> None:
        from insieme.calls.limits import check_file_limits

        check_file_limits(self)


class Criterion(models.Model):
    """An evaluation criterion: scores go from 0 to `max_score` and count for `weight` points."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class FAQ(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="faqs")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question


class FormSection(models.Model):
    """A section of a call's application form (the live definition operators edit)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "text", _("Short text")
    LONG_TEXT = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount in euro")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Single choice")
    MULTIPLE_CHOICE = "multichoice", _("Multiple choice")
    YES_NO = "yesno", _("Yes/no")
    FILE = "file", _("File")


class Question(models.Model):
    """A question of a call's form with the limits its answer must respect (see `clean`)."""

    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    min_length = models.PositiveIntegerField(
        _("minimum length (characters)"), null=True, blank=True
    )
    max_length = models.PositiveIntegerField(
        _("maximum length (characters)"),
        null=True,
        blank=True,
        help_text=_("Texts: at most 200 for a short text, 10,000 for a long one."),
    )
    min_value = models.DecimalField(
        _("minimum"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numbers and amounts."),
    )
    max_value = models.DecimalField(
        _("maximum"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numbers and amounts."),
    )
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("One choice per line (single and multiple choice).")
    )
    file_types = models.JSONField(
        _("accepted file types"),
        default=list,
        blank=True,
        help_text=_("Files: none ticked accepts them all."),
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("maximum file size (MB)"),
        null=True,
        blank=True,
        help_text=_("Files: at most 5 MB, the platform's limit."),
    )
    requested_amount = models.BooleanField(
        _("amount requested from the call"),
        default=False,
        help_text=_("Amounts: the call's maximum request applies to this answer."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(min_length__isnull=True)
                | Q(max_length__isnull=True)
                | Q(min_length__lte=models.F("max_length")),
                name="question_min_length_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        # Stable across versions: answers follow the question, not its position.
        return f"q{self.pk}"

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        """The limits a call manager sets must fit the kind of question and each other."""
        from insieme.calls.limits import check_question  # it reads the model's kinds

        check_question(self)


class FormVersion(models.Model):
    """A frozen snapshot of a call's form; every application keeps the version it answered."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_versions")
    number = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("schema"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["call", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="form_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.call.code} v{self.number}"

    def questions(self) -> list[dict]:
        return [q for section in self.schema["sections"] for q in section["questions"]]


class ApplicationStatus(models.TextChoices):
    DRAFT = "bozza", _("Draft")
    SUBMITTED = "presentata", _("Submitted")
    IN_EVALUATION = "in_valutazione", _("Eligible, under evaluation")
    INELIGIBLE = "non_ammissibile", _("Not eligible")
    NOT_SELECTED = "non_selezionata", _("Not selected")
    WITHDRAWN = "ritirata", _("Withdrawn")
    ACCOMPANIED = "accompagnata", _("Admitted to accompaniment")


# What the applicant reads under each status of their application.
NEXT_STEPS = {
    ApplicationStatus.DRAFT: _(
        "Complete the missing items and submit the application before the deadline."
    ),
    ApplicationStatus.SUBMITTED: _(
        "The office is checking that the application meets the requirements."
    ),
    ApplicationStatus.IN_EVALUATION: _(
        "The application is eligible: the committee is evaluating it."
    ),
    ApplicationStatus.INELIGIBLE: _(
        "The application is not eligible: the notice gives the reasons."
    ),
    ApplicationStatus.NOT_SELECTED: _(
        "The application was not selected. Thank you for taking part."
    ),
    ApplicationStatus.WITHDRAWN: _("You withdrew the application."),
    ApplicationStatus.ACCOMPANIED: _(
        "Admitted to accompaniment: the programme staff will contact you."
    ),
}


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user) -> "ApplicationQuerySet":
        from insieme.accounts.models import Role

        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.OPERATOR, Role.ADMIN):
            return self.all()
        return self.filter(owner=user)

    def submitted(self) -> "ApplicationQuerySet":
        return self.exclude(status=ApplicationStatus.DRAFT)

    def for_list(self) -> "ApplicationQuerySet":
        return self.select_related("call", "applicant_person", "applicant_organisation")


def new_draft_code() -> str:
    return "BOZZA-" + secrets.token_hex(6).upper()


class Application(models.Model):
    """An application (candidatura) to a call, by a person or by an organisation."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(_("title"), max_length=200)
    applicant_person = models.ForeignKey(
        Person,
        verbose_name=_("applicant (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    applicant_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True
    )
    comune = models.ForeignKey(
        Comune, verbose_name=_("comune"), on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    form_version = models.ForeignKey(
        FormVersion,
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applicant_person__isnull=True) | Q(applicant_organisation__isnull=True),
                name="application_one_applicant",
            ),
        ]
        indexes = [models.Index(fields=["status", "outcome_date"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def applicant(self) -> Person | Organisation | None:
        return self.applicant_person or self.applicant_organisation

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def awaits_decision(self) -> bool:
        return self.status in {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_EVALUATION}

    @property
    def next_step(self) -> str:
        return str(NEXT_STEPS[ApplicationStatus(self.status)])


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random names: nothing of the original name or of the applicant ends up on disk.
    return f"calls/{instance.application.call_id}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    question_key = models.CharField(_("question"), max_length=20)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question_key"], name="attachment_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class EligibilityCheck(models.Model):
    """An operator's check of one eligibility requirement for one application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    item = models.ForeignKey(EligibilityItem, on_delete=models.PROTECT, related_name="checks")
    met = models.BooleanField(_("met"))
    reason = models.TextField(_("reason"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["item__position", "item__pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="eligibility_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.application.code}: {self.item}"


def reply_file_path(instance: "InformationRequest", filename: str) -> str:
    return f"calls/{instance.application.call_id}/replies/{secrets.token_hex(16)}"


class InformationRequest(models.Model):
    """A request for more information to an applicant, with a reply deadline."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    message = models.TextField(_("request"))
    reply_by = models.DateTimeField(_("reply by"))
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    # A file the applicant sends with the reply (the limits of an attachment, core/uploads.py);
    # stored under a random name, downloaded only through calls:reply_file.
    reply_file = models.FileField(_("file"), upload_to=reply_file_path, blank=True)
    reply_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    reply_file_type = models.CharField(_("content type"), max_length=100, blank=True)
    reply_file_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.application.code}: {self.message[:40]}"

    @property
    def is_open(self) -> bool:
        """Answerable: not answered yet, before its deadline, and before the decision."""
        return (
            self.replied_at is None
            and timezone.now() <= self.reply_by
            and self.application.awaits_decision
        )
