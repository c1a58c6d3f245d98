"""The main navigation: which entries each role sees. Apps add their entries here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: frozenset[Role]


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Users"), "accounts:user_list", frozenset({Role.ADMIN})),
    NavEntry(_("Administration"), "admin:index", frozenset({Role.ADMIN})),
]


def entries_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"label": entry.label, "url": reverse(entry.url_name)}
        for entry in NAVIGATION
        if user.has_role(*entry.roles)
    ]
