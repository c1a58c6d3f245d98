"""Creating and revoking API tokens."""

import datetime

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.api.models import ApiToken, Scope, hash_token
from insieme.core import rules
from insieme.core.audit import log_event, service


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def may_hold_tokens(user) -> bool:
    """Staff roles handle personal data: like in the browser, they need a second factor."""
    return user.is_active and (not user.needs_mfa or has_second_factor(user))


@service
def create_token(
    *,
    user,
    name: str,
    scopes: list[str],
    expires_at: datetime.datetime | None = None,
    by,
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the raw value, which is shown only this once."""
    rules.require(by, "token.create", user)
    scopes = [s for s in Scope.values if s in scopes]
    if not scopes:
        raise ValidationError(_("Choose at least one scope."), code="no_scope")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."), code="expired")
    lookup, raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scopes=scopes,
        lookup=lookup,
        token_hash=hash_token(raw),
        expires_at=expires_at,
    )
    log_event(token, by=by, event="api_token_created", details={"scopes": scopes})
    return token, raw


@service
def revoke_token(token: ApiToken, *, by) -> ApiToken:
    rules.require(by, "token.revoke", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
