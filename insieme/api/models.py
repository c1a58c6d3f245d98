"""Personal API tokens, and the webhook endpoints that receive the programme's events."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "ins"


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness: a plain SHA-256 is enough (no password stretching).
    return hashlib.sha256(raw.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """`ins_<lookup>_<secret>` -> (lookup, raw); None when it cannot be one of ours."""
    parts = raw.split("_")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 8:
        return None
    return parts[1], raw


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A personal token: it acts as its user, with the scopes it was given. Only a hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    lookup = models.CharField(_("visible prefix"), max_length=8, unique=True)
    token_hash = models.CharField(_("hash"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.lookup}_…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """A new (lookup, raw token) pair."""
        lookup = secrets.token_hex(4)
        return lookup, f"{TOKEN_PREFIX}_{lookup}_{secrets.token_urlsafe(32).replace('_', '-')}"

    def matches(self, raw: str) -> bool:
        return secrets.compare_digest(self.token_hash, hash_token(raw))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not (self.is_revoked or self.is_expired)

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def get_scopes_display(self) -> str:
        labels = dict(Scope.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.scopes)


class Event(models.TextChoices):
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    OUTCOME_DECIDED = "application.outcome_decided", _("Outcome decided")
    PLACEMENT_RECORDED = "placement.recorded", _("Placement recorded")
    DISBURSEMENT_PAID = "disbursement.paid", _("Disbursement paid")
    DISBURSEMENT_CANCELLED = "disbursement.cancelled", _("Disbursement cancelled")
    GRANT_REVOKED = "grant.revoked", _("Grant reduced or revoked")


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An outside system that receives the events it subscribed to, signed with its secret."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"), default=list, help_text=_("The events sent to this address.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        default=new_webhook_secret,
        help_text=_("Shared with the receiver, which uses it to check the signature."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint: the delivery log."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=50, choices=Event.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
