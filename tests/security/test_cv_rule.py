"""One rule for a candidate's CV ("person.read_cv", employment/rules.py): the web and the API
give every role of the world the same answer, and that answer is the one written down here.

Who reads the CV of the world's person (referred to the partner's vacancy, with the consent to
share the CV): the office, the partner the person was referred to, the coach of the project the
person applied with, and the person themselves. Administrators run accounts and configuration
and read no CV; another partner, another coach, evaluators and funders read none either. Once
the consent is withdrawn, the partner reads nothing more, on the pages and in the API alike.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insieme.core import rules
from insieme.people.models import Consent
from tests.security.world import ROLES, build

READS_CV = {"op", "par", "coa", "app"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media-cv")),
        transaction.atomic(),
    ):
        built = build()
        for role, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


def web(world, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def answers(world, role: str) -> dict[str, bool | None]:
    """What each door answers `role` about the CV of the world's person (None: the door is
    closed to the role altogether, so it says nothing either way)."""
    person = world.objects["person"]
    document = world.objects["document"]
    vacancy = world.objects["vacancy"]
    client = web(world, role)
    found: dict[str, bool | None] = {}
    download = client.get(reverse("people:document_download", args=[person.pk, document.pk]))
    found["web: CV download"] = download.status_code == 200
    page = client.get(reverse("employment:vacancy", args=[vacancy.pk]))
    found["web: vacancy page names the candidate"] = (
        person.last_name in page.content.decode() if page.status_code == 200 else None
    )
    api = Client()
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != "anon" else {}
    listed = api.get(f"/api/v1/referrals?vacancy={vacancy.pk}", headers=headers)
    if listed.status_code == 200:
        items = [r for r in listed.json()["results"] if r["candidate"]["id"] == person.pk]
        found["api: referral names the candidate"] = (
            items[0]["candidate"]["last_name"] is not None if items else None
        )
    else:
        found["api: referral names the candidate"] = None
    return found


def gate(world, role: str) -> bool:
    user = world.users.get(role, AnonymousUser())
    return bool(rules.can(user, "person.read_cv", world.objects["person"]))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_web_and_api_agree_with_the_gate(world, role):
    expected = role in READS_CV
    assert gate(world, role) == expected
    for door, answer in answers(world, role).items():
        assert answer in (None, expected), (role, door, answer)


@pytest.mark.django_db
def test_the_partner_and_the_office_see_it_through_every_door(world):
    for role in ("op", "par"):
        assert set(answers(world, role).values()) == {True}, role
    # The administrator reaches the referrals in the API, and reads no name there.
    assert answers(world, "adm")["api: referral names the candidate"] is False


@pytest.mark.django_db
def test_withdrawn_consent_closes_every_door_to_the_partner(world):
    with transaction.atomic():
        Consent.objects.filter(person=world.objects["person"]).update(withdrawn_at=timezone.now())
        assert not gate(world, "par")
        assert set(answers(world, "par").values()) == {False}
        # The office still reads it.
        assert gate(world, "op")
        transaction.set_rollback(True)
