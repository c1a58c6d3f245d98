from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "insieme.calls"
    verbose_name = _("Calls for proposals")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        import insieme.calls.retention
        import insieme.calls.timeline  # noqa: F401 (fills the registries of people and network)
        from insieme.calls import models, rules, search, worklist  # noqa: F401 (rules registers the gate's table)

        auditlog.register(models.Call)
        auditlog.register(models.Application, exclude_fields=["answers"])
        auditlog.register(models.EligibilityCheck)
        auditlog.register(models.InformationRequest)
        auditlog.register(models.Question)
        auditlog.register(models.Criterion)
        worklist.register()
        search.register()
