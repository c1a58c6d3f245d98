from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insieme.core.models import Comune, Sector
from insieme.network.models import Organisation
from insieme.people.models import Person


class Line(models.TextChoices):
    SOCIAL_INNOVATION = "innovazione_sociale", _("Social innovation")
    SELF_EMPLOYMENT = "autoimpiego", _("Self-employment")


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
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-edition", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "bozza", _("Draft")
    SUBMITTED = "presentata", _("Submitted")
    INELIGIBLE = "non_ammissibile", _("Not eligible")
    NOT_SELECTED = "non_selezionata", _("Not selected")
    WITHDRAWN = "ritirata", _("Withdrawn")
    ACCOMPANIED = "accompagnata", _("Admitted to accompaniment")


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
