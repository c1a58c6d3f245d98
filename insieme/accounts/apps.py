from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "insieme.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.models import Group

        from insieme.accounts import (
            middleware,  # noqa: F401  (connects the login signal)
            rules,  # noqa: F401  (registers the gate's table)
            worklist,
        )
        from insieme.accounts.models import User

        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        auditlog.register(Group)
        worklist.register()
