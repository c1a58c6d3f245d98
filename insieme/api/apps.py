from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "insieme.api"
    verbose_name = _("Integration API")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from insieme.api import rules, webhooks  # noqa: F401 (rules registers the gate's table)
        from insieme.api.models import ApiToken, WebhookEndpoint

        # The hash and the webhook secret never go into the audit log.
        auditlog.register(ApiToken, exclude_fields=["token_hash", "last_used_at"])
        auditlog.register(WebhookEndpoint, exclude_fields=["secret"])
        # The events of the domains below reach the endpoints subscribed to them.
        webhooks.subscribe_all()
