"""The address of the client that sent a request, read once and the same way everywhere.

Behind the reverse proxies that docs/deploy.md prescribes, REMOTE_ADDR is the nearest proxy's
address, and the client's own address is in ``X-Forwarded-For``. Each proxy appends the address it
received the request from, so with ``TRUSTED_PROXIES = N`` the rightmost N entries were written by
our own proxies and the client is the leftmost of them: ``X-Forwarded-For[-N]``. Whatever stands
to its left was written by the client and may be anything. With ``TRUSTED_PROXIES = 0`` (no proxy,
as in development) the header is ignored altogether and REMOTE_ADDR is the client.

Rate limits (sign-in, sign-up, the API) and the audit log all ask `client_ip`.
"""

import ipaddress

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    """The address in `value` (a port or IPv6 brackets removed), or None if it is none."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, taking from ``X-Forwarded-For`` only what trusted proxies wrote."""
    remote = _clean(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    hops = getattr(settings, "TRUSTED_PROXIES", 0)
    if hops <= 0:
        return remote
    forwarded = [
        entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if len(forwarded) < hops:
        # The request did not come through all our proxies (or they are configured to replace
        # the header): nothing in it can be trusted, and the nearest peer is all we know.
        return remote
    return _clean(forwarded[-hops]) or remote


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, recording the address `client_ip` finds.

    The original takes the leftmost ``X-Forwarded-For`` entry, which the client writes itself.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if getattr(settings, "AUDITLOG_DISABLE_REMOTE_ADDR", False):
            return None
        return client_ip(request)
