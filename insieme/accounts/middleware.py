import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths a staff member without a second factor may still reach: setting it up, logging out,
# changing language, assets and the health check.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/privacy", "/accessibilita")


class RequireStaffMFAMiddleware:
    """Staff roles (operator, coach, evaluator, funder, administrator) must activate TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.STAFF_MFA_REQUIRED
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and user.needs_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _(
                    "Your role gives access to personal data: activate two-factor "
                    "authentication with an authenticator app to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Keep a signed-in session alive while it is used: an idle timeout of SESSION_COOKIE_AGE.

    Saving the session on every request would write a row per page view; the session is saved
    (and its expiry moved) at most once every SESSION_TOUCH_SECONDS instead, so the timeout is
    exact to within that interval.
    """

    KEY = "_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and not session.is_empty()
            and int(time.time()) - session.get(self.KEY, 0) >= settings.SESSION_TOUCH_SECONDS
        ):
            self.touch(session)
        return response

    @classmethod
    def touch(cls, session) -> None:
        session[cls.KEY] = int(time.time())


@receiver(user_logged_in)
def session_seen_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: the next minute's pages need not write it again."""
    if request is not None and hasattr(request, "session"):
        IdleTimeoutMiddleware.touch(request.session)
