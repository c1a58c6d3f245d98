"""Form builder limits: what a call manager sets for each question, what the applicant reads, and
what the services refuse (the web pages and the API share them)."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insieme.calls import services
from insieme.calls.models import Application, ApplicationStatus, FormSection, Question, QuestionKind
from insieme.calls.tests.helpers import PDF_BYTES, complete, make_call, questions, start
from insieme.core.money import eur

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

D = Decimal


@pytest.fixture
def call(db):
    """A call whose maximum request is 10.000,00, asked by its "Contributo richiesto" question."""
    call = make_call(max_request=D("10000"), budget=D("100000"))
    Question.objects.create(
        section=FormSection.objects.get(call=call),
        position=5,
        label="Contributo richiesto",
        kind=QuestionKind.MONEY,
        required=True,
        min_value=D("1000"),
        requested_amount=True,
    )
    return call


def requested(application: Application) -> str:
    return questions(application.call)["Contributo richiesto"]


def question(call, **values) -> Question:
    values = {"position": 9, "label": "Nuova domanda", "kind": QuestionKind.SHORT_TEXT, **values}
    return Question(section=FormSection.objects.get(call=call), **values)


# The call's maximum request (the defect: 15.000 asked from a call whose maximum is 10.000) ----


def test_an_amount_above_the_calls_maximum_is_not_saved_and_the_message_gives_the_limit(
    applicant, call
):
    draft = start(call, applicant)
    errors = services.save_answers(draft, {requested(draft): "15000"}, by=applicant)
    assert errors[requested(draft)] == [
        f"L'importo massimo richiedibile per questo bando è {eur(D('10000'))}: "
        "chiedi al massimo questo importo."
    ]
    draft.refresh_from_db()
    assert requested(draft) not in draft.answers
    assert services.save_answers(draft, {requested(draft): "10000"}, by=applicant) == {}
    draft.refresh_from_db()
    assert draft.answers[requested(draft)] == "10000"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Indica un importo di almeno {min}."),
        ("999.99", "Indica un importo di almeno {min}."),
    ],
)
def test_an_amount_below_the_questions_minimum_is_refused(applicant, call, value, message):
    draft = start(call, applicant)
    errors = services.save_answers(draft, {requested(draft): value}, by=applicant)
    assert errors[requested(draft)] == [message.format(min=eur(D("1000")))]


def test_an_amount_question_never_takes_a_negative_amount(applicant, call):
    draft = start(call, applicant)
    key = questions(call)["Costo totale"]
    errors = services.save_answers(draft, {key: "-5"}, by=applicant)
    assert errors[key] == ["Un importo non può essere negativo: indica zero o più."]


def test_a_draft_saved_before_the_maximum_was_lowered_is_refused_on_submission(
    applicant, operator, call
):
    # the draft asked 15.000 while the call had no maximum yet (the form is not frozen)
    call.max_request = None
    services.save_call(call, by=operator)
    draft = complete(start(call, applicant), applicant)
    assert services.save_answers(draft, {requested(draft): "15000"}, by=applicant) == {}
    call.max_request = D("10000")
    services.save_call(call, by=operator)
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.submit_application(draft, by=applicant)
    message = " ".join(refused.value.messages)
    assert "Contributo richiesto" in message
    assert eur(D("10000")) in message
    draft.refresh_from_db()
    call.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert not call.form_is_frozen


def test_the_maximum_request_is_kept_once_applications_were_submitted_with_it(
    applicant, operator, call
):
    call.max_request = D("12000")
    services.save_call(call, by=operator)  # before any submission: free to change
    draft = complete(start(call, applicant), applicant)
    services.save_answers(draft, {requested(draft): "5000"}, by=applicant)
    services.submit_application(draft, by=applicant)
    call.refresh_from_db()
    call.max_request = D("4000")
    with pytest.raises(ValidationError, match="non si può più cambiare"):
        services.save_call(call, by=operator)
    call.refresh_from_db()
    assert call.max_request == D("12000")
    call.title = "Titolo corretto"
    services.save_call(call, by=operator)  # the rest of the call stays editable


@pytest.mark.parametrize(
    ("max_request", "message"),
    [
        (D("0"), "Indica un importo massimo richiedibile maggiore di zero"),
        (D("200000"), "è superiore al budget del bando"),
    ],
)
def test_the_maximum_request_is_above_zero_and_within_the_budget(
    operator, call, max_request, message
):
    call.max_request = max_request
    with pytest.raises(ValidationError, match=message):
        services.save_call(call, by=operator)


def test_a_call_with_a_maximum_request_is_published_only_with_the_question_that_asks_it(
    operator, call
):
    from insieme.calls.models import Call

    Call.objects.filter(pk=call.pk).update(published_at=None)
    call.refresh_from_db()
    Question.objects.filter(section__call=call, requested_amount=True).update(
        requested_amount=False
    )
    with pytest.raises(ValidationError, match="segna la domanda"):
        services.publish_call(call, by=operator)
    Question.objects.filter(section__call=call, label="Contributo richiesto").update(
        requested_amount=True
    )
    services.publish_call(call, by=operator)
    call.refresh_from_db()
    assert call.is_published


# What a call manager may set ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"kind": QuestionKind.MONEY, "min_value": D("5000"), "max_value": D("1000")},
            "max_value",
            f"Il massimo ({eur(D('1000'))}) è inferiore al minimo ({eur(D('5000'))})",
        ),
        (
            {"kind": QuestionKind.MONEY, "min_value": D("-10")},
            "min_value",
            "Un importo non può essere negativo",
        ),
        (
            {"kind": QuestionKind.NUMBER, "max_value": D("2.5")},
            "max_value",
            "numeri interi",
        ),
        (
            {"kind": QuestionKind.LONG_TEXT, "min_length": 300, "max_length": 100},
            "max_length",
            "La lunghezza massima (100) è inferiore alla lunghezza minima (300)",
        ),
        (
            {"kind": QuestionKind.SHORT_TEXT, "max_length": 500},
            "max_length",
            "da 1 a 200 caratteri",
        ),
        (
            {"kind": QuestionKind.LONG_TEXT, "max_length": 0},
            "max_length",
            "da 1 a 10.000 caratteri",
        ),
        (
            {"kind": QuestionKind.NUMBER, "max_length": 10},
            "max_length",
            "solo alle domande di testo",
        ),
        ({"kind": QuestionKind.SHORT_TEXT, "max_value": D("3")}, "max_value", "solo a numeri"),
        ({"kind": QuestionKind.CHOICE, "choices": "Uno"}, "choices", "almeno due opzioni"),
        (
            {"kind": QuestionKind.MULTIPLE_CHOICE, "choices": "Cibo\nModa\ncibo"},
            "choices",
            "L'opzione «cibo» è ripetuta",
        ),
        ({"kind": QuestionKind.FILE, "max_size_mb": 20}, "max_size_mb", "da 1 a 5 MB"),
        ({"kind": QuestionKind.FILE, "file_types": ["exe"]}, "file_types", "tra quelli elencati"),
        (
            {"kind": QuestionKind.DATE, "file_types": ["pdf"]},
            "file_types",
            "solo alle domande file",
        ),
        (
            {"kind": QuestionKind.NUMBER, "requested_amount": True},
            "requested_amount",
            "Solo una domanda di tipo importo",
        ),
        (
            {"kind": QuestionKind.MONEY, "requested_amount": True},
            "requested_amount",
            "«Contributo richiesto»",
        ),
    ],
)
def test_the_builder_refuses_limits_that_do_not_fit(operator, call, values, field, message):
    with pytest.raises(ValidationError) as refused:
        services.save_form_item(question(call, **values), by=operator)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Question.objects.filter(label="Nuova domanda").exists()


def test_the_amount_requested_may_not_allow_more_than_the_calls_maximum(operator, call):
    asked = Question.objects.get(section__call=call, requested_amount=True)
    asked.max_value = D("20000")
    with pytest.raises(ValidationError, match="massimo richiedibile del bando"):
        services.save_form_item(asked, by=operator)
    asked.max_value = D("8000")
    services.save_form_item(asked, by=operator)


def test_the_builder_page_shows_the_refusal_next_to_the_field(client_as, operator, call):
    section = FormSection.objects.get(call=call)
    response = client_as(operator).post(
        reverse("calls:question_add", args=[call.pk]),
        {
            "section": section.pk,
            "position": "6",
            "label": "Dipendenti",
            "kind": "number",
            "min_value": "10",
            "max_value": "2",
        },
    )
    assert response.status_code == 400
    assert "Il massimo (2) è inferiore al minimo (10)" in response.content.decode()
    assert not Question.objects.filter(label="Dipendenti").exists()


def test_the_builder_saves_limits_and_lists_them(client_as, operator, call):
    section = FormSection.objects.get(call=call)
    client = client_as(operator)
    response = client.post(
        reverse("calls:question_add", args=[call.pk]),
        {
            "section": section.pk,
            "position": "6",
            "label": "Curriculum",
            "kind": "file",
            "file_types": ["pdf", "docx"],
            "max_size_mb": "2",
        },
    )
    assert response.status_code == 302
    saved = Question.objects.get(label="Curriculum")
    assert (saved.file_types, saved.max_size_mb) == (["pdf", "docx"], 2)
    html = client.get(reverse("calls:form_builder", args=[call.pk])).content.decode()
    assert "File accettati: PDF, DOCX, al massimo 2 MB." in html
    assert f"Da {eur(D('1000'))} a {eur(D('10000'))}." in html


# Limits of every kind of answer --------------------------------------------------------------


def test_a_text_answer_respects_its_lengths_with_the_minimum_asked_only_at_submission(
    applicant, operator, call
):
    text = Question.objects.get(section__call=call, label="Descrizione")
    text.min_length, text.max_length = 20, 2000
    services.save_form_item(text, by=operator)
    draft = start(call, applicant)
    key = text.key
    # autosave keeps a text still being written
    assert services.save_answers(draft, {key: "Un orto"}, by=applicant) == {}
    errors = services.save_answers(draft, {key: "x" * 2001}, by=applicant)
    assert errors[key] == ["Scrivi al massimo 2000 caratteri (attuali: 2001)."]
    draft.refresh_from_db()
    assert draft.answers[key] == "Un orto"
    assert (
        "Correggi «Descrizione»: Scrivi almeno 20 caratteri (attuali: 7)."
        in services.missing_items(draft)
    )


def test_a_number_answer_respects_its_minimum_and_maximum(applicant, operator, call):
    number = Question.objects.get(section__call=call, label="Persone coinvolte")
    number.min_value, number.max_value = D("1"), D("50")
    services.save_form_item(number, by=operator)
    draft = start(call, applicant)
    assert services.save_answers(draft, {number.key: "0"}, by=applicant)[number.key] == [
        "Indica un numero non inferiore a 1."
    ]
    assert services.save_answers(draft, {number.key: "51"}, by=applicant)[number.key] == [
        "Indica un numero non superiore a 50."
    ]
    assert services.save_answers(draft, {number.key: "50"}, by=applicant) == {}


def test_a_choice_removed_from_the_form_must_be_answered_again(applicant, operator, call):
    choice = question(
        call, label="Settore", kind=QuestionKind.CHOICE, choices="Cibo\nModa", required=True
    )
    services.save_form_item(choice, by=operator)
    draft = start(call, applicant)
    assert services.save_answers(draft, {choice.key: "Moda"}, by=applicant) == {}
    choice.choices = "Cibo\nSport"
    services.save_form_item(choice, by=operator)
    services.refresh_form_version(draft)
    draft.refresh_from_db()
    assert any(item.startswith("Correggi «Settore»") for item in services.missing_items(draft))


def test_a_file_question_accepts_only_its_types_and_size(applicant, operator, call):
    plan = Question.objects.get(section__call=call, label="Piano economico")
    plan.file_types, plan.max_size_mb = ["pdf"], 1
    services.save_form_item(plan, by=operator)
    draft = start(call, applicant)
    image = SimpleUploadedFile("piano.pdf", PNG_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.attach_file(draft, plan.key, image, by=applicant)
    assert refused.value.messages == [
        "Piano economico: Questo tipo di file non è accettato: carica un file di tipo PDF."
    ]
    big = SimpleUploadedFile("piano.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match=r"^\['Piano economico: Il file è troppo grande"):
        services.attach_file(draft, plan.key, big, by=applicant)
    assert not draft.attachments.exists()
    services.attach_file(draft, plan.key, SimpleUploadedFile("piano.pdf", PDF_BYTES), by=applicant)
    assert draft.attachments.count() == 1


def test_a_file_attached_before_the_types_changed_must_be_replaced(applicant, operator, call):
    plan = Question.objects.get(section__call=call, label="Piano economico")
    draft = start(call, applicant)
    image = SimpleUploadedFile("piano.png", PNG_BYTES)
    services.attach_file(draft, plan.key, image, by=applicant)
    plan.file_types = ["pdf"]
    services.save_form_item(plan, by=operator)
    services.refresh_form_version(draft)
    draft.refresh_from_db()
    assert (
        "Sostituisci «Piano economico»: questo tipo di file non è accettato: carica un file di "
        "tipo PDF." in services.missing_items(draft)
    )


def test_a_submitted_application_keeps_the_limits_it_was_submitted_with(applicant, operator, call):
    draft = complete(start(call, applicant), applicant)
    services.save_answers(draft, {requested(draft): "9000"}, by=applicant)
    application = services.submit_application(draft, by=applicant)
    asked = Question.objects.get(section__call=call, requested_amount=True)
    asked.max_value = D("5000")
    with pytest.raises(ValidationError, match="non può più essere modificato"):
        services.save_form_item(asked, by=operator)
    application.refresh_from_db()
    kept = {q["label"]: q for q in application.form_version.questions()}
    assert kept["Contributo richiesto"]["max_value"] is None
    assert application.form_version.schema["max_request"] == "10000.00"


# What the applicant reads --------------------------------------------------------------------


def test_the_draft_shows_every_limit_and_its_html_attributes(client_as, applicant, operator, call):
    text = Question.objects.get(section__call=call, label="Descrizione")
    text.max_length = 2000
    services.save_form_item(text, by=operator)
    plan = Question.objects.get(section__call=call, label="Piano economico")
    plan.file_types, plan.max_size_mb = ["pdf", "jpg"], 2
    services.save_form_item(plan, by=operator)
    draft = start(call, applicant)
    html = client_as(applicant).get(reverse("calls:application", args=[draft.pk])).content.decode()
    asked = questions(call)["Contributo richiesto"]
    assert f"Da {eur(D('1000'))} a {eur(D('10000'))}." in html
    amount_input = re.search(rf'<input type="number" name="{asked}"[^>]*>', html).group(0)
    assert 'min="1000' in amount_input
    assert 'max="10000' in amount_input
    assert "Al massimo 2.000 caratteri." in html
    assert 'maxlength="2000"' in html
    assert "File accettati: PDF, JPG, al massimo 2 MB." in html
    assert 'accept=".pdf,.jpg,.jpeg,application/pdf,image/jpeg"' in html


def test_autosave_names_the_question_and_the_calls_maximum(client_as, applicant, call):
    draft = start(call, applicant)
    response = client_as(applicant).post(
        reverse("calls:autosave", args=[draft.pk]),
        {requested(draft): "15000"},
        headers={"HX-Request": "true"},
    )
    assert (
        f"Contributo richiesto: L&#x27;importo massimo richiedibile per questo bando è "
        f"{eur(D('10000'))}" in response.content.decode()
    )


def test_submitting_above_the_maximum_on_the_page_gives_the_italian_message(
    client_as, applicant, operator, call
):
    draft = complete(start(call, applicant), applicant)
    call.max_request = None
    services.save_call(call, by=operator)
    services.save_answers(draft, {requested(draft): "15000"}, by=applicant)
    call.max_request = D("10000")
    services.save_call(call, by=operator)
    response = client_as(applicant).post(reverse("calls:submit", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert "Correggi «Contributo richiesto»: L&#x27;importo massimo richiedibile" in html
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_the_public_page_and_the_call_form_show_the_maximum_request(
    client, client_as, operator, call
):
    html = client.get(reverse("calls:public_detail", args=[call.pk])).content.decode()
    assert "Importo massimo richiedibile per candidatura" in html
    assert eur(D("10000")) in html
    response = client_as(operator).post(
        reverse("calls:edit", args=[call.pk]),
        {
            "code": call.code,
            "title": call.title,
            "line": call.line,
            "opens_at": call.opens_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "closes_at": call.closes_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "budget": "5000",
            "max_request": "10000",
            "evaluators_per_application": "2",
        },
    )
    assert "è superiore al budget del bando" in response.content.decode()
    call.refresh_from_db()
    assert call.budget == D("100000")
