from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "insieme.evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.calls.page import add_to_application_page
        from insieme.evaluations import models, rules, worklist  # noqa: F401 (rules registers the gate's table)
        from insieme.evaluations.feedback import feedback_panel

        add_to_application_page(feedback_panel)

        auditlog.register(models.Assignment)
        auditlog.register(models.Score)
        auditlog.register(models.Decision)
        worklist.register()
