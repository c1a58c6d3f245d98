"""Every role's home on the world of the authorization matrix: the worklist counts what that
user may see, each count leads to its filtered list, funders read counts only."""

import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from insieme.core import worklist
from tests.security import test_authorization_matrix

world = test_authorization_matrix.world


def home(world, role: str) -> str:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-entry="([^"]+)">.*?<span class="fs-3[^"]*">(\d+)</span>', html, re.S)
    return {key: int(n) for key, n in found}


def get(world, role: str, url: str):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client.get(url)


@pytest.mark.django_db
def test_each_role_reads_its_own_worklist(world):
    operator = counts(home(world, "op"))
    assert "employment.interviews_today" in operator
    assert operator["calls.answered"] >= 1
    assert operator["grants.expenses_to_review"] >= 1
    assert {"employment.to_contact", "placements.follow_ups_due", "calls.to_screen"} <= set(
        operator
    )
    # The coach of the project sees its session of this week; the other coach sees none.
    assert counts(home(world, "coa"))["projects.sessions_this_week"] == 1
    assert counts(home(world, "coa2"))["projects.sessions_this_week"] == 0
    # The partner sees the candidate proposed to its vacancy, the other partner nothing.
    assert counts(home(world, "par"))["employment.referred_to_partner"] == 1
    assert counts(home(world, "par2"))["employment.referred_to_partner"] == 0
    # The evaluator who declared a conflict has nothing left to review on that application.
    reviews = counts(home(world, "ev"))["evaluations.reviews_due"]
    assert reviews >= 1
    assert counts(home(world, "evc"))["evaluations.reviews_due"] == reviews - 1 or reviews > 1
    assert "accounts.never_signed_in" in counts(home(world, "adm"))
    # No role gets entries of another role.
    assert not any(key.startswith("employment.") for key in counts(home(world, "fun")))


@pytest.mark.django_db
def test_the_funder_reads_counts_and_no_names(world):
    html = home(world, "fun")
    found = counts(html)
    assert found["grants.funder_grants"] == 1
    assert found["grants.funder_payments"] == 1
    section = html.split('data-role="finanziatore"', 1)[1].split("</section>", 1)[0]
    assert "worklist-count" in section
    assert "list-unstyled small" not in section  # no short lists: counts only
    for obj, attribute in (("person", "last_name"), ("grant", "code")):
        value = world.objects[obj]
        for part in attribute.split("."):
            value = getattr(value, part)
        assert str(value) not in html


@pytest.mark.django_db
def test_every_count_leads_to_a_page_the_user_may_open(world):
    for role in ("op", "coa", "ev", "fun", "par", "adm"):
        html = home(world, role)
        links = re.findall(r'<a href="([^"]+)" class="worklist-count', html)
        assert links, role
        for url in links:
            with transaction.atomic():
                assert get(world, role, url.replace("&amp;", "&")).status_code == 200, (role, url)
                transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_entry_of_the_registry_is_drawn(world):
    keys = set()
    for role in ("op", "coa", "ev", "fun", "par", "adm"):
        keys |= set(counts(home(world, role)))
    registered = {entry.key for entry in worklist._entries.values()}
    assert registered <= keys


@pytest.mark.django_db
def test_the_operator_home_reads_one_count_and_one_list_per_entry_at_most(world):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["op"]
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    entries = len(worklist.entries_for("operatore"))
    # session, user, groups and the rest of the page: a few; then two per entry at most.
    assert len(queries) <= 2 * entries + 12
