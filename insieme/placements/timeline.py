"""The placements and follow-ups on a person's timeline (people.timeline registry), two queries.

Registered from PlacementsConfig.ready under the spine provider's name, so that these richer
events replace its own.
"""

from django.utils.translation import gettext as _

from insieme.people.timeline import TimelineEvent, register
from insieme.placements.models import FollowUp, Placement


def placement_events(person) -> list[TimelineEvent]:
    events = []
    placements = Placement.objects.filter(person=person).select_related("employer", "contract_type")
    for row in placements:
        params = {"employer": row.employer.name, "contract": row.contract_type.name}
        if row.is_traineeship:
            title = _("Traineeship at %(employer)s") % params
        elif row.is_extension:
            title = _("Extension at %(employer)s (%(contract)s)") % params
        else:
            title = _("Placement at %(employer)s (%(contract)s)") % params
        events.append(TimelineEvent(row.start_date, "placement", title))
        if row.end_date:
            events.append(
                TimelineEvent(
                    row.end_date,
                    "placement_end",
                    _("End of the placement at %(employer)s") % params,
                )
            )
    done = FollowUp.objects.filter(placement__person=person, done_on__isnull=False).select_related(
        "placement__employer"
    )
    for check in done:
        assert check.done_on is not None
        status = _("still employed") if check.still_employed else _("no longer employed")
        events.append(
            TimelineEvent(
                check.done_on,
                "follow_up",
                _("Follow-up at %(months)s months: %(status)s")
                % {"months": check.months, "status": status},
            )
        )
    return events


def register_providers() -> None:
    register("employment.placements", placement_events)
