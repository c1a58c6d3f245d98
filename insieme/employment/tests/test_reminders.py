import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from insieme.employment import services
from insieme.employment.tests import factories
from insieme.placements.models import FollowUp


@pytest.fixture
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def tasks(fixed_clock, operator):
    overdue = factories.registration(
        factories.person("Attesa", "Alba"), on=datetime.date(2026, 3, 1)
    )
    placed = factories.person("Assunta", "Bice")
    placement = factories.placement(placed, by=operator, start_date=datetime.date(2026, 2, 20))
    goal = services.add_goal(person=placed, title="Patente B", by=operator)
    action = services.add_action(
        goal=goal,
        description="Iscrizione all'autoscuola",
        owner=operator,
        due_date=datetime.date(2026, 5, 30),
        by=operator,
    )
    return {"overdue": overdue, "placement": placement, "action": action}


def test_the_operator_home_panel_lists_what_is_due(client_as, operator, tasks):
    client = client_as(operator)
    home = client.get(reverse("home")).content.decode()
    assert reverse("employment:reminders") in home
    panel = client.get(reverse("employment:reminders"), headers={"HX-Request": "true"})
    html = panel.content.decode()
    assert "<html" not in html
    assert "Primi contatti in ritardo" in html
    assert "Attesa Alba" in html
    assert "Verifiche da fare" in html
    assert "Assunta Bice" in html
    assert "Iscrizione all&#x27;autoscuola" in html
    full = client.get(reverse("employment:reminders")).content.decode()
    assert "<html" in full


def test_a_follow_up_done_leaves_the_list(client_as, operator, tasks):
    check = FollowUp.objects.get(placement=tasks["placement"], months=3)
    client = client_as(operator)
    client.post(
        reverse("placements:follow_up", args=[check.pk]),
        {"still_employed": "si", "same_contract": "si", "notes": "Tutto bene"},
    )
    check.refresh_from_db()
    assert check.still_employed is True
    assert check.same_contract is True
    assert check.done_by == operator
    html = client.get(reverse("employment:reminders")).content.decode()
    assert "Verifiche da fare" not in html


def test_the_daily_digest_is_queued_by_a_command(operator, tasks):
    call_command("send_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [operator.email]
    assert "promemoria" in message.subject.lower()
    assert "Attesa Alba" in message.body
    assert "Iscrizione all'autoscuola" in message.body


def test_no_digest_for_an_operator_with_nothing_to_do(operator, db):
    call_command("send_digests", stdout=io.StringIO())
    assert not mail.outbox


@pytest.mark.parametrize("who", ["outsider", "partner"])
def test_reminders_are_for_operators(client_as, cast, who):
    assert client_as(cast[who]).get(reverse("employment:reminders")).status_code == 403
