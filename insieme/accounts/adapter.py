import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core.clients import client_ip

# A signed cookie naming (by a hash) the accounts that have signed in from this browser.
KNOWN_BROWSER_COOKIE = "insieme_known"
KNOWN_BROWSER_SALT = "insieme.accounts.known-browser"
KNOWN_BROWSER_DAYS = 180
KNOWN_BROWSER_MAX_ACCOUNTS = 5

ACCOUNT_UNDER_ATTACK = _(
    "Too many failed sign-ins to this account from several connections: for its protection, "
    "for now it can be reached only from a browser where you have signed in before. To sign in "
    "here, set a new password with “Forgot your password?”: we will send you a link by e-mail."
)


def _account_ref(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()[:20]


def _known_accounts(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        default="",
        salt=KNOWN_BROWSER_SALT,
        max_age=KNOWN_BROWSER_DAYS * 86400,
    )
    return [ref for ref in (value or "").split(",") if ref]


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up policy, the client's address and the limits on failed sign-ins.

    Failed sign-ins are limited three ways (settings.ACCOUNT_RATE_LIMITS, docs/deploy.md):
    - per client address ("login_failed", ``/ip``): one client cannot try many accounts fast;
    - per account from one client address ("login_failed", ``/key``, the key naming both): one
      client cannot guess one password fast, and its failures do not touch anyone else;
    - per account from every address ("login_failed_account"): many clients together cannot
      guess one password fast. This one never applies to a browser the account has signed in
      from before (a signed cookie), so failures by strangers never lock the owner out; from a
      new browser the owner gets in by resetting the password (the reset clears the count).
    """

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        return self._account_key(request, **credentials) + ":" + client_ip(request)

    def _account_key(self, request: HttpRequest, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        login = credentials.get("email", credentials.get("username", ""))
        if _account_ref(login) in _known_accounts(request):
            return
        usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account_key(request, **credentials),
        )
        if usage is None:
            raise forms.ValidationError(ACCOUNT_UNDER_ATTACK, code="account_under_attack")
        # A correct password gives back what it took, as allauth does for the other budgets.
        self._login_failed_rl_usage.usage.extend(usage.usage)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account_key(request, **credentials),
        )

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        ref = _account_ref(user.email)
        known = [ref] + [other for other in _known_accounts(request) if other != ref]
        response.set_signed_cookie(
            KNOWN_BROWSER_COOKIE,
            ",".join(known[:KNOWN_BROWSER_MAX_ACCOUNTS]),
            salt=KNOWN_BROWSER_SALT,
            max_age=KNOWN_BROWSER_DAYS * 86400,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def is_open_for_signup(self, request) -> bool:
        # Only applicants and people signing up for services create their own account;
        # staff and partners are invited by an administrator.
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get(name=Role.APPLICANT))
        return user


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff keep their authenticator app: it can be replaced, not switched off.
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.needs_mfa:
            return not settings.STAFF_MFA_REQUIRED
        return True
