"""A person's timeline: apps register providers of events; the person page shows them merged.

A provider is a function `(person) -> list[TimelineEvent]`. Register it once, from the app's
`AppConfig.ready`:

    from insieme.people.timeline import TimelineEvent, register

    register("employment.referrals", referral_events)

Each provider should run a constant number of queries (one, typically) whatever the person.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class TimelineEvent:
    date: datetime.date
    kind: str
    title: str
    url: str = ""


Provider = Callable[..., list[TimelineEvent]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, when the name is the same) a provider of events."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def events_for(person) -> list[TimelineEvent]:
    """Every event of every provider, newest first."""
    events: list[TimelineEvent] = []
    for provider in _providers.values():
        events.extend(provider(person))
    return sorted(events, key=lambda event: event.date, reverse=True)


def _as_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def registration_events(person) -> list[TimelineEvent]:
    return [
        TimelineEvent(row.registered_on, "registration", _("Signed up to the employment services"))
        for row in person.registrations.all()
    ]


def interview_events(person) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            row.date, "interview", _("Interview: %(kind)s") % {"kind": row.get_kind_display()}
        )
        for row in person.interviews.all()
    ]


def placement_events(person) -> list[TimelineEvent]:
    events = []
    for row in person.placements.select_related("employer", "contract_type"):
        title = _("Placement at %(employer)s (%(contract)s)") % {
            "employer": row.employer.name,
            "contract": row.contract_type.name,
        }
        events.append(TimelineEvent(row.start_date, "placement", title))
        if row.end_date:
            events.append(
                TimelineEvent(
                    row.end_date,
                    "placement_end",
                    _("End of the placement at %(employer)s") % {"employer": row.employer.name},
                )
            )
    return events


def application_events(person) -> list[TimelineEvent]:
    events = []
    for row in person.applications.select_related("call").exclude(submitted_at=None):
        submitted = _as_date(row.submitted_at)
        assert submitted is not None
        events.append(
            TimelineEvent(
                submitted,
                "application",
                _("Application “%(title)s” to the call %(call)s")
                % {"title": row.title, "call": row.call.code},
            )
        )
        if row.outcome_date:
            events.append(
                TimelineEvent(
                    row.outcome_date,
                    "application_outcome",
                    _("Outcome of the application “%(title)s”: %(status)s")
                    % {"title": row.title, "status": row.get_status_display()},
                )
            )
    return events


def register_spine_providers() -> None:
    register("employment.registrations", registration_events)
    register("employment.interviews", interview_events)
    register("employment.placements", placement_events)
    register("calls.applications", application_events)
