from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "insieme.calls"
    verbose_name = _("Calls for proposals")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.calls import models, retention, rules, timeline  # noqa: F401 (rules registers the gate's table)  # noqa: F401 (fill people's and network's registries)

        auditlog.register(models.Call)
        auditlog.register(models.Application, exclude_fields=["answers"])
        auditlog.register(models.EligibilityCheck)
        auditlog.register(models.InformationRequest)
        auditlog.register(models.Question)
        auditlog.register(models.Criterion)
