from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application


class ProjectStatus(models.TextChoices):
    ACTIVE = "attivo", _("Active")
    COMPLETED = "concluso", _("Completed")
    DROPPED = "interrotto", _("Dropped")


class Project(models.Model):
    """An application admitted to accompaniment."""

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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.application.title
