from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group

from insieme.accounts.models import Role


class AccountAdapter(DefaultAccountAdapter):
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
