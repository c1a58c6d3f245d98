"""Grants awarded on the funder's timeline (network.timeline); registered from GrantsConfig.ready."""

from django.utils.translation import gettext as _

from insieme.core.money import eur
from insieme.grants.models import Grant
from insieme.network import timeline


def grant_events(organisation, user) -> list[timeline.Event]:
    grants = (
        Grant.objects.filter(funder=organisation, awarded_on__isnull=False)
        .select_related("application")
        .order_by("-awarded_on")[: timeline.LIMIT_PER_KIND]
    )
    events = []
    for grant in grants:
        assert grant.awarded_on is not None
        events.append(
            timeline.Event(
                grant.awarded_on,
                "grant",
                _("Grant %(code)s awarded: %(amount)s")
                % {
                    "code": grant.code,
                    "amount": eur(grant.amount_awarded),
                },
                grant.application.title,
            )
        )
    return events


timeline.register("grants.awards", grant_events)
