from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "insieme.grants"
    verbose_name = _("Funds and grants")
