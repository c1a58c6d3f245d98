"""Appointments as iCalendar (RFC 5545), written with the icalendar library: the `.ics` of an
invitation e-mail and the staff members' calendar feeds.

Only what a calendar needs goes in: when, how long, where, a title naming the kind of
appointment and the person's name, and the address of the record; never a codice fiscale.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

MIMETYPE = "text/calendar"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


@dataclass(frozen=True)
class Appointment:
    uid: str  # stable for the appointment: its reschedules replace it in a calendar
    start: datetime.datetime
    end: datetime.datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    sequence: int = 0
    cancelled: bool = False
    organizer: str = ""  # an e-mail address


def uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{urlsplit(settings.SITE_URL).hostname or 'insieme'}"


def to_ics(appointments: list[Appointment], *, method: str = PUBLISH, name: str = "") -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Insieme per il lavoro//insieme//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = datetime.datetime.now(datetime.UTC)
    for item in appointments:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        if item.description:
            event.add("description", item.description)
        if item.organizer:
            event.add("organizer", f"mailto:{item.organizer}")
        calendar.add_component(event)
    return calendar.to_ical().decode()


def attachment(appointment: Appointment, *, cancelled: bool = False) -> list[str]:
    """The `.ics` of one appointment, as the e-mail task takes it."""
    content = to_ics([appointment], method=CANCEL if cancelled else REQUEST)
    return ["appuntamento.ics", content, MIMETYPE]
