"""Failed sign-ins are limited per client and per account, behind the proxy, with no lock-out.

Everything goes through the login page with allauth's own rate limiting, in the project's
database cache; the client's address is REMOTE_ADDR (the nearest peer) and X-Forwarded-For.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, totp_code
from insieme.accounts.adapter import KNOWN_BROWSER_COOKIE

LOGIN = "/accounts/login/"
WRONG = "non-è-la-password"
PROXY = "10.0.0.2"
TOO_MANY = "Troppi tentativi di accesso"
UNDER_ATTACK = "Troppi tentativi di accesso non riusciti a questo account"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


def attempt(client, email, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"login": email, "password": password}, follow=True, **extra)


def signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("spoof_header", [True, False])
def test_without_a_proxy_a_spoofed_header_does_not_bypass_the_limit(
    settings, client, applicant, spoof_header
):
    settings.TRUSTED_PROXIES = 0
    for n in range(10):
        forwarded = f"198.51.100.{n}" if spoof_header else None
        attempt(client, f"chiunque{n}@example.org", WRONG, "203.0.113.9", forwarded)
    response = attempt(client, applicant.email, PASSWORD, "203.0.113.9", "198.51.100.99")
    assert not signed_in(response)
    assert TOO_MANY in response.content.decode()
    # The same page from another address works: the header did not count.
    assert signed_in(attempt(Client(), applicant.email, PASSWORD, "203.0.113.10"))


def test_behind_one_proxy_the_client_is_the_entry_the_proxy_wrote(settings, client, applicant):
    settings.TRUSTED_PROXIES = 1
    # The attacker writes a header of its own; the proxy appends the address it saw.
    for n in range(10):
        forwarded = f"198.51.100.{n}, 203.0.113.9"
        attempt(client, f"chiunque{n}@example.org", WRONG, PROXY, forwarded)
    response = attempt(client, applicant.email, PASSWORD, PROXY, "198.51.100.99, 203.0.113.9")
    assert not signed_in(response)
    assert TOO_MANY in response.content.decode()
    # Another client behind the same proxy is not refused: it is counted as itself.
    assert signed_in(attempt(Client(), applicant.email, PASSWORD, PROXY, "203.0.113.10"))


def test_ten_failures_by_one_client_lock_out_neither_other_clients_nor_the_owner(
    settings, client, applicant, operator
):
    settings.TRUSTED_PROXIES = 1
    for _ in range(10):
        attempt(client, applicant.email, WRONG, PROXY, "203.0.113.9")
    refused = attempt(client, applicant.email, PASSWORD, PROXY, "203.0.113.9")
    assert not signed_in(refused)
    assert TOO_MANY in refused.content.decode()
    # The owner, from home, and a colleague from the office get in at once.
    assert signed_in(attempt(Client(), applicant.email, PASSWORD, PROXY, "192.0.2.20"))
    assert attempt(Client(), operator.email, PASSWORD, PROXY, "192.0.2.30").redirect_chain[-1][
        0
    ] == reverse("mfa_authenticate")


def test_staff_still_get_in_with_password_and_code_after_an_attack(settings, client, operator):
    settings.TRUSTED_PROXIES = 1
    for _ in range(10):
        attempt(client, operator.email, WRONG, PROXY, "203.0.113.9")
    owner = Client()
    response = attempt(owner, operator.email, PASSWORD, PROXY, "192.0.2.20")
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    response = owner.post(
        reverse("mfa_authenticate"),
        {"code": totp_code()},
        follow=True,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.20",
    )
    assert response.wsgi_request.user == operator


def test_failures_from_many_addresses_slow_guessing_but_not_the_owners_browser(settings, applicant):
    settings.TRUSTED_PROXIES = 1
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "30/h/key",
    }
    # The owner has signed in from this browser before.
    owner = Client()
    assert signed_in(attempt(owner, applicant.email, PASSWORD, PROXY, "192.0.2.20"))
    assert KNOWN_BROWSER_COOKIE in owner.cookies
    owner.post(reverse("account_logout"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.20")

    # A botnet: thirty addresses, one guess each.
    for n in range(30):
        attempt(Client(), applicant.email, WRONG, PROXY, f"203.0.113.{n}")
    # The thirty-first address is refused even with the right password, and told what to do.
    stranger = attempt(Client(), applicant.email, PASSWORD, PROXY, "203.0.113.200")
    assert not signed_in(stranger)
    assert UNDER_ATTACK in stranger.content.decode()
    assert "Password dimenticata?" in stranger.content.decode()
    # The owner's browser is not, from another address too.
    assert signed_in(attempt(owner, applicant.email, PASSWORD, PROXY, "192.0.2.99"))

    # From a new browser the owner resets the password; the link lets them in again.
    laptop = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.50")
    laptop.post(reverse("account_reset_password"), {"email": applicant.email})
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    page = laptop.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    form_url = page.redirect_chain[-1][0]
    new_password = "Una-nuova-password-77"
    laptop.post(form_url, {"password1": new_password, "password2": new_password})
    assert signed_in(attempt(laptop, applicant.email, new_password, PROXY, "192.0.2.50"))


def test_a_forged_known_browser_cookie_counts_for_nothing(settings, applicant):
    settings.TRUSTED_PROXIES = 1
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "3/h/key",
    }
    for n in range(3):
        attempt(Client(), applicant.email, WRONG, PROXY, f"203.0.113.{n}")
    forger = Client()
    forger.cookies[KNOWN_BROWSER_COOKIE] = "anything:forged"
    response = attempt(forger, applicant.email, PASSWORD, PROXY, "203.0.113.200")
    assert not signed_in(response)
    assert UNDER_ATTACK in response.content.decode()


def test_a_correct_password_gives_back_what_it_took(settings, applicant):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "3/h/key",
    }
    # Three successful sign-ins from three new browsers leave the account's budget intact.
    for n in range(3):
        assert signed_in(attempt(Client(), applicant.email, PASSWORD, f"192.0.2.{n}"))
    for n in range(2):
        attempt(Client(), applicant.email, WRONG, f"203.0.113.{n}")
    assert signed_in(attempt(Client(), applicant.email, PASSWORD, "192.0.2.77"))
