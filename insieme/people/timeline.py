"""A person's timeline: apps register providers of events; the person page shows them merged.

A provider is a function `(person) -> list[TimelineEvent]`. Register it once, from the app's
`AppConfig.ready`:

    from insieme.people.timeline import TimelineEvent, register

    register("employment.referrals", referral_events)

Each provider should run a constant number of queries (one, typically) whatever the person.
The registry sits below the apps that fill it (employment, calls): it imports none of them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


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
