"""Webhooks: the domains' events (`insieme.core.events`) reach `emit(event, payload)`; each
subscribed endpoint gets a signed POST from the background worker, retried with exponential
back-off, every attempt in the log.

Signature: header `Insieme-Signature: t=<unix time>,v1=<hex>` where `<hex>` is
HMAC-SHA256(secret, "<unix time>." + raw body). A receiver recomputes it with its secret and
rejects old timestamps (see docs/api.md).
"""

import datetime
import functools
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from insieme.api.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Insieme-Signature"
MAX_ATTEMPTS = 6
BACKOFF_BASE = 60  # seconds: then 2, 4, 8, 16 minutes
TIMEOUT = 10  # seconds for one attempt
# Receivers should refuse signatures older than this (replays).
TOLERANCE = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: int | None = None) -> bool:
    """What a receiver does: check the signature and that it is recent."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = int(timezone.now().timestamp()) if now is None else now
    if abs(now - timestamp) > TOLERANCE:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next attempt, after `attempts` failed ones."""
    return datetime.timedelta(seconds=BACKOFF_BASE * 2 ** (attempts - 1))


def emit(event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint subscribed to it; sent after the commit."""
    event = Event(event)
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    deliveries = [
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=body)
        for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        if event.value in endpoint.events
    ]
    for delivery in deliveries:
        transaction.on_commit(functools.partial(deliver.enqueue, delivery.pk))
    return deliveries


def _attempt(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(
        {
            "id": delivery.pk,
            "event": delivery.event,
            "created": delivery.created_at.isoformat(),
            "data": delivery.payload,
        },
        ensure_ascii=False,
    ).encode()
    timestamp = int(timezone.now().timestamp())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Insieme-Webhooks/1",
            "Insieme-Event": delivery.event,
            "Insieme-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))[:500]


@task()
def deliver(delivery_id: int) -> str:
    """One attempt; on failure the next one is scheduled after an exponential back-off."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return delivery.status
    status, error = _attempt(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status
    if status is not None and 200 <= status < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.last_error = error or f"HTTP {status}"
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.last_error = error or f"HTTP {status}"
    delivery.save()
    if delivery.status == DeliveryStatus.RETRYING and default_task_backend.supports_defer:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


def retry_due(now: datetime.datetime | None = None) -> int:
    """Send the retries that are due. With a backend that cannot schedule tasks for later
    (the immediate one of the tests), `manage.py api_webhooks_retry` calls this from cron."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.RETRYING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        deliver.enqueue(pk)
    return len(due)


# --- the subscriber: every event of `Event` that happens in the domains ---------------------------
# The domain services record their events in the outbox (`insieme.core.events`, payloads built by
# `insieme.calls.events`, `insieme.placements.events`, `insieme.grants.events`); after the commit
# the worker hands each one here once, and each subscribed endpoint gets its delivery.

SUBSCRIBER = "webhooks"


def on_event(event: Any) -> list[WebhookDelivery]:
    return emit(event.name, event.payload)


def subscribe_all() -> None:
    from insieme.core.events import subscribe

    for name in Event.values:
        subscribe(name, on_event, name=SUBSCRIBER)
