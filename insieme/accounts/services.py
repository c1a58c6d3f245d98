from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from insieme.accounts.models import Role, User
from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.core.tasks import send_email


def password_setup_url(user: User) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


@service
def invite_user(
    *, email: str, first_name: str, last_name: str, roles: list[Role], by: User
) -> User:
    """Create an account for a colleague or partner and e-mail them a link to choose a password."""
    rules.require(by, "user.invite", roles)
    user = User.objects.create_user(
        email=email, password=None, first_name=first_name, last_name=last_name
    )
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    # The invitation proves the address: the person receives the link there.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    log_event(user, by=by, event="invited", details={"roles": sorted(r.value for r in roles)})
    context = {
        "user": user,
        "inviter": by,
        "roles": [Role(r).label for r in roles],
        "url": password_setup_url(user),
    }
    subject = _("[Insieme] You are invited to the programme platform")
    body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[user.email]))
    return user


@service
def set_active(*, user: User, active: bool, by: User) -> None:
    rules.require(by, "user.set_active", user)
    user.is_active = active
    user.save(update_fields=["is_active"])
