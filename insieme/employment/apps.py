from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "insieme.employment"
    verbose_name = _("Employment services")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        import insieme.employment.retention  # noqa: F401 (fills the registries of people and network)
        from insieme.employment import models, rules, timeline, worklist  # noqa: F401 (rules registers the gate's table)

        for model in (
            models.Registration,
            models.ContactAttempt,
            models.Interview,
            models.Slot,
            models.Goal,
            models.Action,
            models.Service,
            models.Enrolment,
            models.Attendance,
            models.Vacancy,
            models.Referral,
        ):
            auditlog.register(model)
        auditlog.register(models.JobProfile, m2m_fields={"wished_contracts"})
        timeline.register_providers()
        worklist.register()
