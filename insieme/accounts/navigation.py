"""The main navigation: which entries each role sees (by URL name, so no app is imported here).
Apps add their entries here."""

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
    NavEntry(_("People"), "people:list", frozenset({Role.OPERATOR, Role.ADMIN})),
    NavEntry(_("Projects"), "projects:list", frozenset({Role.OPERATOR, Role.ADMIN, Role.COACH})),
    NavEntry(_("Funds"), "grants:fund_list", frozenset({Role.OPERATOR, Role.ADMIN})),
    NavEntry(_("Our funds"), "grants:funder_ledger", frozenset({Role.FUNDER})),
    NavEntry(_("Organisations"), "network:list", frozenset({Role.OPERATOR, Role.ADMIN})),
    NavEntry(_("My organisation"), "network:mine", frozenset({Role.PARTNER})),
    NavEntry(_("Users"), "accounts:user_list", frozenset({Role.ADMIN})),
    NavEntry(_("Administration"), "admin:index", frozenset({Role.ADMIN})),
    NavEntry(_("Waiting list"), "employment:queue", frozenset({Role.OPERATOR})),
    NavEntry(_("Vacancies"), "employment:vacancy_list", frozenset({Role.OPERATOR, Role.PARTNER})),
    NavEntry(_("Calls"), "calls:manage_list", frozenset({Role.OPERATOR, Role.ADMIN})),
    NavEntry(_("Evaluations"), "evaluations:mine", frozenset({Role.EVALUATOR})),
    NavEntry(_("My applications"), "calls:my_applications", frozenset({Role.APPLICANT})),
    NavEntry(_("My profile"), "people:mine", frozenset({Role.APPLICANT})),
    NavEntry(_("API"), "api:tokens", frozenset(Role)),
    NavEntry(
        _("Dashboard"), "impact:dashboard", frozenset({Role.OPERATOR, Role.ADMIN, Role.FUNDER})
    ),
    NavEntry(_("Import data"), "impact:import_upload", frozenset({Role.OPERATOR, Role.ADMIN})),
]


def entries_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"label": entry.label, "url": reverse(entry.url_name)}
        for entry in NAVIGATION
        if user.has_role(*entry.roles)
    ]
