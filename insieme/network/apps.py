from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "insieme.network"
    verbose_name = _("Partner network")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.network import rules, search  # noqa: F401  (registers the gate's table)
        from insieme.network.models import (
            Agreement,
            ContactPerson,
            Organisation,
            OrganisationMember,
        )

        auditlog.register(Organisation)
        search.register()
        auditlog.register(ContactPerson)
        auditlog.register(Agreement)
        auditlog.register(OrganisationMember)
