"""Notices: the right people hear of an event, nobody else; read, marked read, counted in the
header with one query; sent on by e-mail and SMS as each user chose."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.core.events import emit
from insieme.employment import services as employment
from insieme.employment.models import InterviewKind, InterviewStatus
from insieme.employment.tests import factories
from insieme.notices import services, sms
from insieme.notices.models import Kind, Notice, Preference


@pytest.fixture
def person(applicant):
    """A person of the registry whose own account is the applicant of the cast."""
    someone = factories.person("Bianchi", "Lucia", phone="+393331234567")
    someone.account = applicant
    someone.save()
    return someone


@pytest.fixture
def interview(person, operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return employment.book_interview(
            person=person,
            kind=InterviewKind.OTHER,
            date=timezone.localdate() + datetime.timedelta(days=3),
            time=datetime.time(10, 30),
            place="Via Capramozza 13",
            operator=operator,
            by=operator,
        )


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def cancel(interview, by, capture):
    with capture(execute=True):
        employment.mark_interview_missed(
            interview=interview, status=InterviewStatus.CANCELLED, by=by
        )


def test_a_cancelled_interview_tells_the_person_in_app_and_by_email_and_nobody_else(
    interview, person, applicant, operator, cast, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    other_operator = make_user("operatore2@example.org", Role.OPERATOR)
    cancel(interview, other_operator, django_capture_on_commit_callbacks)

    notices = Notice.objects.filter(event="interview.cancel")
    assert {n.recipient for n in notices} == {applicant, operator}
    mine = notices.get(recipient=applicant)
    assert mine.kind == Kind.APPOINTMENTS
    assert "annullato" in mine.text
    assert mine.url == reverse("people:mine")
    # No name, no codice fiscale in what the notice says.
    assert person.last_name not in mine.text
    assert person.fiscal_code not in mine.text
    # The person's e-mail is the appointment's own cancellation (with its .ics), not a second
    # one from the notice; the operator's comes from the notice.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, operator.email])
    (letter,) = [m for m in mail.outbox if m.to == [operator.email]]
    assert notices.get(recipient=operator).text in letter.subject
    assert "http://" in letter.body
    # The funder, the coach, the evaluator, the partner, the outsider hear nothing.
    others = [cast[r] for r in ("funder", "coach", "evaluator", "partner", "outsider")]
    assert not Notice.objects.filter(recipient__in=others).exists()


def test_whoever_makes_the_change_gets_no_notice_of_it(
    interview, applicant, operator, django_capture_on_commit_callbacks
):
    cancel(interview, operator, django_capture_on_commit_callbacks)
    cancelled = Notice.objects.filter(event="interview.cancel")
    assert list(cancelled.values_list("recipient", flat=True)) == [applicant.pk]


def test_email_follows_the_preference_and_the_notice_centre_always_has_it(
    interview, applicant, operator, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=applicant, email_kinds=[])
    mail.outbox.clear()
    cancel(interview, operator, django_capture_on_commit_callbacks)
    assert Notice.objects.filter(recipient=applicant, event="interview.cancel").count() == 1
    assert not [m for m in mail.outbox if applicant.email in m.to]


def test_a_reminder_goes_by_sms_only_to_who_asked_for_it(
    interview, applicant, person, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        emit("interview.reminder_sent", {}, obj=interview, actor=None)
    assert Notice.objects.filter(recipient=applicant, event="interview.reminder_sent").count() == 1
    assert sms.outbox == []

    Preference.objects.create(user=applicant, email_kinds=[], sms_reminders=True)
    with django_capture_on_commit_callbacks(execute=True):
        emit("interview.reminder_sent", {}, obj=interview, actor=None)
    (message,) = sms.outbox
    assert message.to == person.phone
    assert "10:30" in message.text
    assert person.last_name not in message.text


def test_an_application_outcome_reaches_its_owner_only(cast, django_capture_on_commit_callbacks):
    from insieme.calls.events import outcome_decided
    from insieme.calls.models import Application, Call

    call = Call.objects.create(code="B-1", title="Bando", line="impresa")
    application = Application.objects.create(
        code="CAND-9", call=call, title="Forno", owner=cast["applicant"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome_decided(application)
    (notice,) = Notice.objects.all()
    assert notice.recipient == cast["applicant"]
    assert "CAND-9" in notice.text
    assert notice.url == reverse("calls:application", args=[application.pk])


def _notices(user, count):
    Notice.objects.bulk_create(
        Notice(recipient=user, event="x", kind=Kind.PEOPLE, text=f"Avviso {i}", url="/")
        for i in range(count)
    )


def test_the_notice_centre_lists_marks_read_and_is_only_ones_own(client_as, operator, coach):
    _notices(operator, 25)
    _notices(coach, 1)
    client = client_as(operator)
    page = client.get(reverse("notices:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("notice-unread") == 20  # first page
    assert 'data-unread="25"' in html
    assert "Pagina 1 di 2" in html

    first = Notice.objects.filter(recipient=operator).first()
    assert client.post(reverse("notices:mark_read", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    # Somebody else's notice: not found, untouched.
    theirs = Notice.objects.get(recipient=coach)
    assert client.post(reverse("notices:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Marking read is a POST.
    assert client.get(reverse("notices:mark_all_read")).status_code == 405

    done = client.post(reverse("notices:mark_all_read"), follow=True)
    assert "24 avvisi segnati come letti" in done.content.decode()
    assert not Notice.objects.filter(recipient=operator, read_at=None).exists()
    assert Notice.objects.filter(recipient=coach, read_at=None).count() == 1


@pytest.mark.parametrize("rows", [1, 30])
def test_the_header_count_is_one_query_whatever_the_number_of_notices(client_as, operator, rows):
    _notices(operator, rows)
    client = client_as(operator)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home"))
    assert f'data-unread="{rows}"' in page.content.decode()
    counting = [q["sql"] for q in queries.captured_queries if "notices_notice" in q["sql"]]
    assert len(counting) == 1


def test_the_preferences_are_saved_and_bad_phone_numbers_refused(client_as, coach):
    client = client_as(coach)
    url = reverse("notices:preferences")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"email_kinds": ["progetti"], "sms_reminders": "on", "phone": "12"})
    assert bad.status_code == 200
    assert "numero di telefono" in bad.content.decode().lower()
    assert not Preference.objects.filter(user=coach).exists()
    missing = client.post(url, {"sms_reminders": "on"})
    assert "Indica un numero di cellulare" in missing.content.decode()
    ok = client.post(
        url, {"email_kinds": ["progetti"], "sms_reminders": "on", "phone": "333 123 4567"}
    )
    assert ok.status_code == 302
    preference = Preference.objects.get(user=coach)
    assert preference.email_kinds == ["progetti"]
    assert preference.phone == "+393331234567"
    assert services.phone_for(coach, preference) == "+393331234567"
