from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "insieme.impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from insieme.impact import worklist

        worklist.register()
