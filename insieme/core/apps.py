from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "insieme.core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models import fields
        from django.db.models.signals import post_migrate

        from insieme.core import lookups
        from insieme.core.listing import register_sqlite_functions
        from insieme.core.versions import restore_sqlite_triggers

        # The empty choice of every select (model fields and ModelChoiceField). Django 6.1's
        # "- Select an option -" has no Italian translation yet: ours says it in Italian.
        fields.BLANK_CHOICE_LABEL = _("- Choose -")

        # A 20-digit id in a multiple choice matches nothing instead of overflowing SQLite.
        lookups.register()

        # Accent-insensitive search (insieme.core.listing) for every app, on SQLite too.
        connection_created.connect(register_sqlite_functions, dispatch_uid="insieme_unaccent")
        # SQLite drops a table's version triggers when a migration rebuilds it.
        post_migrate.connect(
            restore_sqlite_triggers, sender=self, dispatch_uid="insieme_sqlite_triggers"
        )
