from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "insieme.placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        import insieme.placements.network_timeline
        import insieme.placements.retention  # noqa: F401 (fills the registries of people and network)
        from insieme.employment import page
        from insieme.placements import models, pages, rules, timeline  # noqa: F401 (rules registers the gate's table)

        for model in (models.Placement, models.FollowUp):
            auditlog.register(model)
        timeline.register_providers()
        page.add_to_person_page(pages.placements_of_person)
        page.add_caseload_count("placement_count", models.Placement)
        page.add_reminders("follow_ups", pages.follow_ups_due)
        pages.register_worklist()
