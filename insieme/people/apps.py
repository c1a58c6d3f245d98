from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "insieme.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.backends.signals import connection_created

        from insieme.people import timeline
        from insieme.people.models import Consent, Document, Person, SpecialCategoryData
        from insieme.people.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="people_sqlite_fold")
        auditlog.register(Person)
        auditlog.register(Consent)
        auditlog.register(Document, exclude_fields=["file"])
        auditlog.register(
            SpecialCategoryData,
            mask_fields=["disability_68_99", "disability_percentage", "health_notes"],
        )
        timeline.register_spine_providers()
