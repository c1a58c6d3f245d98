"""What happened with an organisation, newest first: its own records, and the events that the
apps recording its work (calls, employment, grants) provide.

A provider is a function `(organisation, user) -> list[Event]` that returns only what `user`
may see, in a constant number of queries (one, typically). Register it from the app's
`AppConfig.ready` (network sits below those apps and does not import them):

    from insieme.network import timeline

    timeline.register("calls.applications", application_events)
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from insieme.network.models import Organisation

LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class Event:
    date: datetime.date
    kind: str  # a CSS-friendly key: joined, agreement, application, placement, grant
    label: str
    detail: str = ""


Provider = Callable[[Organisation, object], list[Event]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, when the name is the same) a provider of events."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def timeline(organisation: Organisation, user) -> list[Event]:
    """Events of `organisation` as `user` may see them: one query for the agreements, and the
    providers' own."""
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
    for provider in _providers.values():
        events.extend(provider(organisation, user))
    events.sort(key=lambda event: event.date, reverse=True)
    return events
