"""What a person met using the portal in the browser (review of issue 5)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from insieme.calls import services
from insieme.calls.models import Application
from insieme.calls.tests.helpers import (
    PERSON_CODE,
    complete,
    eligible,
    make_call,
    questions,
    start,
    submitted,
)
from insieme.people.models import Person


@pytest.fixture
def call(db):
    return make_call()


def test_the_whole_closing_second_is_accepted(applicant):
    closes = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    call = make_call(closes_at=closes)
    draft = complete(start(call, applicant), applicant)
    # 10:00:00.999 still reads "10:00:00", the deadline the applicant was given.
    with time_machine.travel(closes + timedelta(microseconds=999_999), tick=False):
        services.submit_application(draft, by=applicant)
    draft.refresh_from_db()
    assert not draft.is_draft


def test_half_a_second_after_the_closing_second_is_late(applicant):
    closes = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    call = make_call(closes_at=closes)
    draft = complete(start(call, applicant), applicant)
    with (
        time_machine.travel(closes + timedelta(seconds=1, microseconds=500_000), tick=False),
        pytest.raises(ValidationError, match="scadenza"),
    ):
        services.submit_application(draft, by=applicant)


def test_autosave_names_the_question_that_was_not_saved(client_as, applicant, call):
    draft = start(call, applicant)
    keys = questions(call)
    client = client_as(applicant)
    url = reverse("calls:autosave", args=[draft.pk])
    fragment = client.post(url, {keys["Costo totale"]: "-5"}, headers={"HX-Request": "true"})
    assert "Costo totale: Assicurati che questo valore sia maggiore o uguale a 0." in (
        fragment.content.decode()
    )
    # Without htmx the message after the redirect says it too.
    page = client.post(url, {keys["Persone coinvolte"]: "tante"}, follow=True).content.decode()
    assert "Persone coinvolte: Inserisci un numero intero." in page


def test_amounts_read_the_italian_way(client_as, applicant, call):
    draft = start(call, applicant)
    keys = questions(call)
    services.save_answers(draft, {keys["Costo totale"]: "12500.5"}, by=applicant)
    draft = complete(draft, applicant)
    services.submit_application(draft, by=applicant)
    page = client_as(applicant).get(reverse("calls:application", args=[draft.pk]))
    assert "€ 12.500,50" in page.content.decode()


def test_no_reply_to_a_request_once_the_application_is_decided(
    client_as, operator, applicant, call
):
    application = submitted(call, applicant)
    request = services.request_information(
        application,
        by=operator,
        message="Inviate lo statuto.",
        reply_by=timezone.now() + timedelta(days=5),
    )
    services.withdraw_application(application, by=applicant)
    page = client_as(applicant).get(reverse("calls:application", args=[application.pk]))
    html = page.content.decode()
    assert "Invia la risposta" not in html
    assert "non si accettano più risposte" in html
    response = client_as(applicant).post(
        reverse("calls:reply", args=[application.pk, request.pk]), {"reply": "Eccolo"}, follow=True
    )
    assert "non si accettano più risposte" in response.content.decode()
    request.refresh_from_db()
    assert request.replied_at is None


def test_a_code_on_file_for_someone_else_cannot_be_claimed(client_as, applicant, call):
    Person.objects.create(
        fiscal_code=PERSON_CODE, first_name="Mario", last_name="Rossi", email="mario@example.org"
    )
    response = client_as(applicant).post(
        reverse("calls:apply", args=[call.pk]),
        {
            "title": "Bottega",
            "applicant_kind": "persona",
            "fiscal_code": PERSON_CODE,
            "first_name": "Finto",
            "last_name": "Rossi",
        },
    )
    assert response.status_code == 400
    assert "già presente con altri recapiti" in response.content.decode()
    assert not Application.objects.exists()


def test_a_code_on_file_with_the_same_email_is_the_applicant(client_as, applicant, call):
    person = Person.objects.create(
        fiscal_code=PERSON_CODE, first_name="Mario", last_name="Rossi", email=applicant.email
    )
    client_as(applicant).post(
        reverse("calls:apply", args=[call.pk]),
        {
            "title": "Bottega",
            "applicant_kind": "persona",
            "fiscal_code": PERSON_CODE,
            "first_name": "Mario",
            "last_name": "Rossi",
        },
    )
    assert Application.objects.get().applicant_person == person
    # and a second application of the same account for the same person is fine
    other = make_call("AI-2026")
    assert start(other, applicant).applicant_person == person


def test_the_history_reads_as_changes_not_as_raw_data(client_as, operator, applicant, call):
    application = eligible(call, applicant, operator)
    html = client_as(operator).get(reverse("calls:review", args=[application.pk])).content
    text = html.decode()
    assert "Presentata → Ammissibile, in valutazione" in text
    assert "calls.Attachment.None" not in text
    assert "{&#x27;" not in text


def test_saving_one_answer_keeps_the_others(applicant, call):
    draft = start(call, applicant)
    keys = questions(call)
    services.save_answers(draft, {keys["Costo totale"]: "100"}, by=applicant)
    services.save_answers(draft, {keys["Descrizione"]: "Un orto"}, by=applicant)
    draft.refresh_from_db()
    assert draft.answers[keys["Costo totale"]] == "100"
    assert draft.answers[keys["Descrizione"]] == "Un orto"
    # emptying a field that is sent does clear it
    services.save_answers(draft, {keys["Costo totale"]: ""}, by=applicant)
    draft.refresh_from_db()
    assert draft.answers[keys["Costo totale"]] == ""
