from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "insieme.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.people import rules, search  # noqa: F401 (registers the gate's table)
        from insieme.people.models import Consent, Document, Person, SpecialCategoryData

        auditlog.register(Person)
        search.register()
        auditlog.register(Consent)
        auditlog.register(Document, exclude_fields=["file"])
        auditlog.register(
            SpecialCategoryData,
            mask_fields=["disability_68_99", "disability_percentage", "health_notes"],
        )
