from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "insieme.grants"
    verbose_name = _("Funds and grants")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.grants import models, retention, timeline  # noqa: F401 (fill people's and network's registries)

        for model in (
            models.Fund,
            models.Grant,
            models.Tranche,
            models.Disbursement,
            models.Revocation,
            models.ExpenseItem,
            models.FinalReport,
            models.Microcredit,
            models.DeMinimisDeclaration,
        ):
            auditlog.register(model)
