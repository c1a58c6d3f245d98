"""The organisations in the header's search (`insieme.core.worklist.register_search`), by
name, among those the user may see (all for the office, their own for partners and funders)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from insieme.core import worklist
from insieme.core.listing import search
from insieme.network.models import MEMBER_ROLES, SEE_ALL_ROLES, Organisation


def find(user: Any, query: str) -> QuerySet:
    organisations = Organisation.objects.visible_to(user).select_related("comune")
    return search(organisations, query, ["name"]).order_by("-search_rank", "name", "pk")


def _row(organisation: Organisation, user: Any) -> worklist.Row:
    if user.has_role(*SEE_ALL_ROLES):
        url = reverse("network:detail", args=[organisation.pk])
    else:
        url = reverse("network:mine")
    comune = organisation.comune.name if organisation.comune else ""
    return worklist.Row(organisation.name, url, comune)


def register() -> None:
    worklist.register_search(
        worklist.Source(
            key="organisations",
            label=_("Organisations"),
            find=find,
            row=_row,
            applies=lambda user: user.has_role(*SEE_ALL_ROLES, *MEMBER_ROLES),
            order=20,
            more_url="network:list",
        )
    )
