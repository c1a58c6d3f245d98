from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application
from insieme.core.models import ContractType
from insieme.network.models import Organisation
from insieme.people.models import Person


class Registration(models.Model):
    """A person's sign-up (iscrizione) to the employment services."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations"
    )
    registered_on = models.DateField(_("sign-up date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["registered_on"]
        indexes = [models.Index(fields=["registered_on"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.registered_on})"


class InterviewKind(models.TextChoices):
    FIRST = "primo_colloquio", _("First interview")
    ORIENTATION = "orientamento", _("Orientation")
    MONITORING = "monitoraggio", _("Monitoring")
    OTHER = "altro", _("Other")


class Interview(models.Model):
    """An interview (colloquio) with a person."""

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

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-date"]
        indexes = [models.Index(fields=["person", "date"]), models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Placement(models.Model):
    """A job placement (inserimento lavorativo); a `tirocinio` contract is a traineeship."""

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
        _("weekly hours"), max_digits=5, decimal_places=2, null=True, blank=True
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

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.employer} ({self.start_date})"
