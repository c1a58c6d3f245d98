from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "insieme.network"
    verbose_name = _("Partner network")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.backends.signals import connection_created

        from insieme.core.listing import register_sqlite_functions
        from insieme.network.models import (
            Agreement,
            ContactPerson,
            Organisation,
            OrganisationMember,
        )

        # Accent-insensitive search (insieme.core.listing) for every app, on SQLite too.
        connection_created.connect(register_sqlite_functions, dispatch_uid="insieme_unaccent")
        auditlog.register(Organisation)
        auditlog.register(ContactPerson)
        auditlog.register(Agreement)
        auditlog.register(OrganisationMember)
