"""The calendar of courses and events: upcoming and past events page separately."""

import re
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insieme.projects.models import Event, EventKind


def add_events(numbers, *, past):
    today = timezone.localdate()
    for n in numbers:
        Event.objects.create(
            kind=EventKind.values[0],
            title=f"{'Corso' if past else 'Incontro'} {n:02d}",
            date=today - timedelta(days=n + 1) if past else today + timedelta(days=n),
            hours=Decimal(2),
        )


def titles(html: str, word: str) -> list[str]:
    return re.findall(rf">({word} \d\d)</a>", html)


def query_count(client, url) -> int:
    cache.clear()  # list counts are cached (`insieme.core.counts`): measure them uncached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_calendar_pages_with_a_constant_query_count(midday, client_as, operator):
    client = client_as(operator)
    url = reverse("projects:event_list")
    add_events(range(3), past=True)
    add_events(range(3), past=False)
    few = query_count(client, url)
    add_events(range(3, 30), past=True)
    add_events(range(3, 30), past=False)
    assert query_count(client, url) == few
    first = client.get(url).text
    assert 'aria-label="Pagine degli eventi passati"' in first
    assert "pagina_passati=2" in first
    # The past events' second page keeps the upcoming events' first.
    second = client.get(url, {"pagina_passati": 2}).text
    assert titles(second, "Incontro") == titles(first, "Incontro")
    assert titles(first, "Corso") + titles(second, "Corso") == [f"Corso {n:02d}" for n in range(30)]
    upcoming = client.get(url, {"pagina": 2}).text
    assert titles(first, "Incontro") + titles(upcoming, "Incontro") == [
        f"Incontro {n:02d}" for n in range(30)
    ]
    assert client.get(url, {"pagina": "x", "pagina_passati": "99"}).status_code == 200
