"""Demo accounts, one per role (for `make run`; never in production)."""

import base64
import hashlib
import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group

from insieme.accounts.models import Role, User

DEMO_PASSWORD = "insieme-demo-2026"
DEMO_USERS = [
    (Role.ADMIN, "admin@insieme.example", "Alessandra", "Amministratrice"),
    (Role.OPERATOR, "operatore@insieme.example", "Olga", "Operatrice"),
    (Role.COACH, "coach@insieme.example", "Carlo", "Coach"),
    (Role.EVALUATOR, "valutatore@insieme.example", "Valeria", "Valutatrice"),
    (Role.FUNDER, "finanziatore@insieme.example", "Franco", "Finanziatore"),
    (Role.PARTNER, "partner@insieme.example", "Paola", "Partner"),
    (Role.APPLICANT, "candidato@insieme.example", "Cesare", "Candidato"),
]


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so its codes can be computed (`make otp`)."""
    return base64.b32encode(hashlib.sha256(f"insieme-demo:{email}".encode()).digest()[:20]).decode()


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def ensure_demo_users() -> list[tuple[Role, User, str | None]]:
    result = []
    for role, email, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        user.groups.add(Group.objects.get(name=role))
        secret = None
        if user.needs_mfa:
            secret = demo_totp_secret(email)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, secret)
        result.append((role, user, secret))
    return result
