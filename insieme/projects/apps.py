from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "insieme.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.projects import models, rules, worklist  # noqa: F401 (rules registers the gate's table)

        auditlog.register(models.Project, m2m_fields={"coaches", "reporting_users"})
        for model in (
            models.TeamMember,
            models.Milestone,
            models.CoachingSession,
            models.Event,
            models.Participation,
            models.SurvivalFollowUp,
        ):
            auditlog.register(model)
        worklist.register()
