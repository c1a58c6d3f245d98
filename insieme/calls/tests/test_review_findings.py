"""What a person met using the portal in the browser (review of issue 5)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls import services
from insieme.calls.models import Application, FormSection, Question, QuestionKind
from insieme.calls.tests.helpers import (
    PERSON_CODE,
    complete,
    eligible,
    make_call,
    questions,
    start,
    submitted,
)
from insieme.core.money import eur
from insieme.people.models import Person


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def other_applicant(db):
    return make_user("altra@example.org", Role.APPLICANT, first_name="Bruna")


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
    assert "Costo totale: Un importo non può essere negativo: indica zero o più." in (
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
    assert eur(Decimal("12500.50")) in page.content.decode()


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
    assert "modifica: stato Presentata → Ammissibile, in valutazione" in text
    assert "consultazione" in text
    assert "None" not in text
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


def test_public_list_query_count_does_not_grow(client, call):
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("calls:public_list")).status_code == 200
    for n in range(4):
        make_call(f"ALTRO-{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("calls:public_list"))
    assert page.content.decode().count("Innovazione sociale 2026") >= 5
    assert len(many) == len(few)


def test_form_builder_query_count_does_not_grow(client_as, operator, call):
    client = client_as(operator)
    url = reverse("calls:form_builder", args=[call.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        section = FormSection.objects.create(call=call, position=n + 2, title=f"Sezione {n}")
        Question.objects.create(section=section, label=f"Domanda {n}", kind=QuestionKind.NUMBER)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "Domanda 2" in page.content.decode()
    assert len(many) == len(few)


def test_requirements_already_checked_cannot_be_deleted(client_as, operator, applicant, call):
    eligible(call, applicant, operator)
    item = call.eligibility_items.first()
    client = client_as(operator)
    url = reverse("calls:list_edit", args=[call.pk, "requisiti"])
    page = client.get(url).content.decode()
    assert "non si possono più modificare" in page
    assert item.text in page
    data = {
        "requisiti-TOTAL_FORMS": "2",
        "requisiti-INITIAL_FORMS": "2",
        "requisiti-0-id": str(item.pk),
        "requisiti-0-text": item.text,
        "requisiti-0-DELETE": "on",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "non si possono più modificare" in response.content.decode()
    assert call.eligibility_items.filter(pk=item.pk).exists()


def test_criteria_already_scored_cannot_change(client_as, operator, applicant, evaluator, call):
    from insieme.evaluations import services as evaluations
    from insieme.evaluations.models import Assignment

    application = eligible(call, applicant, operator)
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )
    evaluations.declare_interest(assignment, by=evaluator, conflict=False)
    criterion = call.criteria.first()
    evaluations.record_scores(
        assignment, {criterion.pk: (Decimal(5), "")}, by=evaluator, complete=False
    )
    client = client_as(operator)
    url = reverse("calls:list_edit", args=[call.pk, "criteri"])
    response = client.post(
        url,
        {
            "criteri-TOTAL_FORMS": "1",
            "criteri-INITIAL_FORMS": "1",
            "criteri-0-id": str(criterion.pk),
            "criteri-0-name": criterion.name,
            "criteri-0-weight": "90",
            "criteri-0-max_score": str(criterion.max_score),
            "criteri-0-DELETE": "on",
        },
        follow=True,
    )
    assert "i valutatori hanno già dato punteggi" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.weight == Decimal(60)
    # the lists nobody has used yet stay editable
    assert (
        "non si possono più modificare"
        not in client.get(reverse("calls:list_edit", args=[call.pk, "faq"])).content.decode()
    )


def test_the_apply_page_leads_back_to_the_draft(client_as, applicant, other_applicant, call):
    draft = start(call, applicant, title="Bottega di quartiere")
    page = client_as(applicant).get(reverse("calls:apply", args=[call.pk])).content.decode()
    assert "Hai già una bozza per questo bando" in page
    assert reverse("calls:application", args=[draft.pk]) in page
    other = client_as(other_applicant).get(reverse("calls:apply", args=[call.pk]))
    assert "Bottega di quartiere" not in other.content.decode()


def test_a_call_is_published_only_with_its_criteria(client_as, operator, call):
    call.published_at = None
    call.save()
    call.criteria.all().delete()
    response = client_as(operator).post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "Definisci i criteri di valutazione" in response.content.decode()
    call.refresh_from_db()
    assert not call.is_published


def test_the_applicant_learns_the_application_is_eligible(
    client_as, operator, applicant, call, django_capture_on_commit_callbacks
):
    application = submitted(call, applicant)
    mail.outbox.clear()
    data = {f"met_{item.pk}": "si" for item in call.eligibility_items.all()}
    with django_capture_on_commit_callbacks(execute=True):
        client_as(operator).post(reverse("calls:screen", args=[application.pk]), data)
    assert mail.outbox[0].to == [applicant.email]
    assert "ammissibile" in mail.outbox[0].subject
    assert "la commissione ora la valuterà" in mail.outbox[0].body


def test_a_published_call_keeps_its_dates(client_as, operator, call):
    response = client_as(operator).post(
        reverse("calls:edit", args=[call.pk]),
        {
            "code": call.code,
            "title": call.title,
            "line": call.line,
            "opens_at": "",
            "closes_at": "",
            "evaluators_per_application": "2",
        },
    )
    assert response.status_code == 200
    assert "Un bando pubblicato ha bisogno di apertura e chiusura." in response.content.decode()
    call.refresh_from_db()
    assert call.closes_at is not None
