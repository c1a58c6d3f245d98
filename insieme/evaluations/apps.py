from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "insieme.evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.evaluations import models, rules  # noqa: F401 (rules registers the gate's table)

        auditlog.register(models.Assignment)
        auditlog.register(models.Score)
        auditlog.register(models.Decision)
