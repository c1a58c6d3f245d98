from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "insieme.grants"
    verbose_name = _("Funds and grants")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        import insieme.grants.retention
        import insieme.grants.timeline  # noqa: F401 (fills the registries of people and network)
        from insieme.grants import models, rules, worklist  # noqa: F401 (rules registers the gate's table)
        from insieme.grants.admission import money_on_it
        from insieme.grants.project_page import grants_of_project
        from insieme.projects.admission import add_admission_hold
        from insieme.projects.page import add_to_project_page

        add_to_project_page(grants_of_project)
        add_admission_hold(money_on_it)
        worklist.register()

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
