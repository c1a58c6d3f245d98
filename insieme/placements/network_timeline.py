"""Hirings on an organisation's timeline (network.timeline); registered from
PlacementsConfig.ready."""

from django.utils.translation import gettext as _

from insieme.network import timeline
from insieme.network.models import MANAGER_ROLES
from insieme.placements.models import Placement


def placement_events(organisation, user) -> list[timeline.Event]:
    """The names of placed people only for operators and administrators."""
    show_people = user.has_role(*MANAGER_ROLES)
    placements = (
        Placement.objects.filter(employer=organisation)
        .select_related("contract_type", "person" if show_people else "contract_type")
        .order_by("-start_date")[: timeline.LIMIT_PER_KIND]
    )
    events = []
    for placement in placements:
        label = (
            _("Extension: %(contract)s") if placement.is_extension else _("Hiring: %(contract)s")
        ) % {"contract": placement.contract_type.name}
        events.append(
            timeline.Event(
                placement.start_date,
                "placement",
                label,
                str(placement.person) if show_people else "",
            )
        )
    return events


timeline.register("placements.placements", placement_events)
