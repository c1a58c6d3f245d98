from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "insieme.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from insieme.notices import subscribers

        # The domains' events that matter to a user become their notices.
        subscribers.subscribe_all()
