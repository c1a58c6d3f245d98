"""What happened with an organisation, newest first, from the records of the other apps."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insieme.calls.models import Application, ApplicationStatus
from insieme.grants.models import Grant
from insieme.network.models import MANAGER_ROLES, Organisation
from insieme.placements.models import Placement

LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class Event:
    date: datetime.date
    kind: str  # a CSS-friendly key: joined, agreement, application, placement, grant
    label: str
    detail: str = ""


def timeline(organisation: Organisation, user) -> list[Event]:
    """Events of `organisation` as `user` may see them: the names of placed people only for
    operators and administrators. Four queries, whatever the number of events."""
    events: list[Event] = []
    if organisation.joined_on:
        events.append(Event(organisation.joined_on, "joined", _("Joined the network")))
    for agreement in organisation.agreements.all():
        events.append(
            Event(agreement.starts_on, "agreement", _("Agreement signed"), agreement.title)
        )
        if agreement.ends_on and agreement.ends_on <= timezone.localdate():
            events.append(
                Event(agreement.ends_on, "agreement", _("Agreement expired"), agreement.title)
            )
    applications = (
        Application.objects.filter(applicant_organisation=organisation)
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(submitted_at__isnull=True)
        .select_related("call")
        .order_by("-submitted_at")[:LIMIT_PER_KIND]
    )
    for application in applications:
        assert application.submitted_at is not None
        events.append(
            Event(
                timezone.localdate(application.submitted_at),
                "application",
                _("Application %(code)s to the call %(call)s")
                % {"code": application.code, "call": application.call.title},
                f"{application.title} — {application.get_status_display()}",
            )
        )
    show_people = user.has_role(*MANAGER_ROLES)
    placements = (
        Placement.objects.filter(employer=organisation)
        .select_related("contract_type", "person" if show_people else "contract_type")
        .order_by("-start_date")[:LIMIT_PER_KIND]
    )
    for placement in placements:
        label = (
            _("Extension: %(contract)s") if placement.is_extension else _("Hiring: %(contract)s")
        ) % {"contract": placement.contract_type.name}
        events.append(
            Event(
                placement.start_date,
                "placement",
                label,
                str(placement.person) if show_people else "",
            )
        )
    grants = (
        Grant.objects.filter(funder=organisation, awarded_on__isnull=False)
        .select_related("application")
        .order_by("-awarded_on")[:LIMIT_PER_KIND]
    )
    for grant in grants:
        assert grant.awarded_on is not None
        events.append(
            Event(
                grant.awarded_on,
                "grant",
                _("Grant %(code)s awarded: € %(amount)s")
                % {
                    "code": grant.code,
                    "amount": number_format(grant.amount_awarded, 2, force_grouping=True),
                },
                grant.application.title,
            )
        )
    events.sort(key=lambda event: event.date, reverse=True)
    return events
