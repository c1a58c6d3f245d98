"""The weekly digest: staff get their unread notices of the week, nobody else, nothing twice."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from insieme.notices import digest
from insieme.notices.models import Kind, Notice, Preference

ROME = ZoneInfo("Europe/Rome")


def notice(user, text, *, days_ago=0, read=False):
    created = Notice.objects.create(
        recipient=user, event="x", kind=Kind.PEOPLE, text=text, url="/persone/1/"
    )
    Notice.objects.filter(pk=created.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        read_at=timezone.now() if read else None,
    )
    return created


def test_staff_get_their_unread_notices_of_the_week(operator, coach, funder, applicant):
    notice(operator, "Colloquio COL-1 annullato.")
    notice(operator, "Colloquio COL-2 annullato.", days_ago=3)
    notice(operator, "Vecchio avviso COL-3.", days_ago=9)
    notice(operator, "Letto COL-4.", read=True)
    notice(coach, "Tappa raggiunta.", read=True)  # nothing unread: no e-mail
    notice(applicant, "La candidatura CAND-1 è stata presentata.")  # not staff
    mail.outbox.clear()

    assert digest.send_digests() == 1
    (letter,) = mail.outbox
    assert letter.to == [operator.email]
    assert letter.subject == "[Insieme] I tuoi avvisi non letti della settimana"
    assert "hai 2 avvisi non letti degli ultimi sette giorni" in letter.body
    assert "COL-1" in letter.body
    assert "COL-2" in letter.body
    assert "COL-3" not in letter.body
    assert "COL-4" not in letter.body
    assert "http://127.0.0.1:8000/persone/1/" in letter.body


def test_who_turned_the_digest_off_gets_none(operator):
    notice(operator, "Colloquio COL-1 annullato.")
    Preference.objects.create(user=operator, weekly_digest=False)
    mail.outbox.clear()
    call_command("send_notice_digest", stdout=io.StringIO())
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            datetime.datetime(2026, 12, 7, 6, 0, tzinfo=ROME),
            datetime.datetime(2026, 12, 7, 7, 0, tzinfo=ROME),
        ),  # Monday
        (
            datetime.datetime(2026, 12, 7, 8, 0, tzinfo=ROME),
            datetime.datetime(2026, 12, 14, 7, 0, tzinfo=ROME),
        ),
        (
            datetime.datetime(2026, 12, 10, 12, 0, tzinfo=ROME),
            datetime.datetime(2026, 12, 14, 7, 0, tzinfo=ROME),
        ),
    ],
)
def test_the_next_run_is_monday_at_seven(now, expected):
    assert digest.next_run(now) == expected


def test_without_a_back_end_that_can_wait_the_schedule_says_to_use_cron(db):
    # The tests' immediate back-end runs tasks at once: nothing is queued for later.
    assert digest.schedule() is None
