from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "insieme.employment"
    verbose_name = _("Employment services")
