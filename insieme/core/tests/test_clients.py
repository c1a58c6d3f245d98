"""The client's address: X-Forwarded-For only through the trusted proxies."""

import pytest
from django.test import RequestFactory

from insieme.api.core import TokenRateThrottle
from insieme.core.clients import AuditlogMiddleware, client_ip


def request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (0, None, "10.0.0.2"),
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is the client's own words
        (1, None, "10.0.0.2"),  # not through the proxy: only the peer is known
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client prepended a fake entry
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: nothing to trust
        (1, "198.51.100.1, not-an-address", "10.0.0.2"),
        (1, "203.0.113.9:51234", "203.0.113.9"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_ip(settings, hops, forwarded, client):
    settings.TRUSTED_PROXIES = hops
    assert client_ip(request(forwarded=forwarded)) == client


def test_the_api_and_the_audit_log_ask_the_same_function(settings):
    settings.TRUSTED_PROXIES = 1
    spoofed = request(forwarded="198.51.100.1, 203.0.113.9")
    assert TokenRateThrottle().get_ident(spoofed) == "203.0.113.9"
    assert AuditlogMiddleware._get_remote_addr(spoofed) == "203.0.113.9"
    settings.TRUSTED_PROXIES = 0
    assert TokenRateThrottle().get_ident(spoofed) == "10.0.0.2"
    assert AuditlogMiddleware._get_remote_addr(spoofed) == "10.0.0.2"
