"""A call's required documents are uploads of the application form; replies carry files too."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls import services
from insieme.calls.models import ApplicationStatus, RequiredDocument
from insieme.calls.tests.helpers import PDF_BYTES, complete, make_call, start
from insieme.core.events import Event
from insieme.evaluations import services as evaluation_services
from insieme.evaluations.models import Assignment

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def call(db):
    call = make_call()
    RequiredDocument.objects.create(
        call=call, position=1, name="Visura camerale", file_types=["pdf"], max_size_mb=1
    )
    RequiredDocument.objects.create(
        call=call, position=2, name="Lettera di sostegno", required=False, file_types=["docx"]
    )
    return call


def document(call, name) -> RequiredDocument:
    return call.required_documents.get(name=name)


def pdf(name="visura.pdf", content=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_draft_asks_for_each_document_with_its_types_and_size(client_as, applicant, call):
    draft = start(call, applicant)
    page = client_as(applicant).get(reverse("calls:application", args=[draft.pk])).content.decode()
    visura = document(call, "Visura camerale")
    assert "Documenti da allegare" in page
    assert reverse("calls:attach", args=[draft.pk, visura.key]) in page
    assert 'accept=".pdf,application/pdf"' in page
    assert "Allega: Visura camerale" in page
    assert "Allega: Lettera di sostegno" not in page  # not required


def test_submission_is_refused_naming_the_missing_document(client_as, applicant, call):
    draft = complete(start(call, applicant), applicant)
    response = client_as(applicant).post(reverse("calls:submit", args=[draft.pk]), follow=True)
    assert "La candidatura è incompleta: Allega: Visura camerale." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT

    services.attach_file(draft, document(call, "Visura camerale").key, pdf(), by=applicant)
    services.submit_application(draft, by=applicant)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_the_api_refuses_the_submission_with_the_same_message(client, applicant, call):
    from insieme.api.services import create_token

    draft = complete(start(call, applicant), applicant)
    _token, raw = create_token(user=applicant, name="t", scopes=["read", "write"], by=applicant)
    response = client.post(
        f"/api/v1/applications/{draft.pk}/submit", headers={"authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "incomplete"
    assert "Allega: Visura camerale" in response.json()["message"]


def test_a_file_named_pdf_that_is_not_one_is_refused(applicant, call):
    draft = start(call, applicant)
    with pytest.raises(ValidationError) as refused:
        services.attach_file(
            draft,
            document(call, "Visura camerale").key,
            pdf("visura.pdf", b"<html>not a pdf</html>"),
            by=applicant,
        )
    assert (
        "Visura camerale: Questo tipo di file non è accettato: carica un file di tipo PDF."
        in (refused.value.messages[0])
    )
    assert not draft.attachments.exists()


def test_a_real_image_is_refused_where_only_pdf_is_declared(applicant, call):
    draft = start(call, applicant)
    with pytest.raises(ValidationError, match="PDF"):
        services.attach_file(
            draft,
            document(call, "Visura camerale").key,
            SimpleUploadedFile("visura.pdf", PNG_BYTES, content_type="application/pdf"),
            by=applicant,
        )


def test_a_document_above_its_size_is_refused(applicant, call):
    draft = start(call, applicant)
    big = pdf("visura.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="troppo grande"):
        services.attach_file(draft, document(call, "Visura camerale").key, big, by=applicant)


def test_an_office_document_is_recognised_by_its_content(applicant, call):
    draft = start(call, applicant)
    attachment = services.attach_file(
        draft,
        document(call, "Lettera di sostegno").key,
        SimpleUploadedFile("lettera.bin", docx_bytes()),
        by=applicant,
    )
    assert attachment.content_type.endswith("wordprocessingml.document")


def test_documents_are_kept_in_the_storage_and_served_only_through_the_gate(
    settings, client, client_as, applicant, operator, call
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    draft = start(call, applicant)
    attachment = services.attach_file(
        draft, document(call, "Visura camerale").key, pdf("Rossi Mario.pdf"), by=applicant
    )
    assert "Rossi" not in attachment.file.name
    assert attachment.file.storage.__class__.__name__ == "InMemoryStorage"
    assert attachment.file.storage.exists(attachment.file.name)
    url = reverse("calls:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to the login
    other = make_user("altra@example.org", Role.APPLICANT)
    assert client_as(other).get(url).status_code == 404
    response = client_as(operator).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_documents_freeze_with_the_form(client_as, applicant, operator, call):
    draft = complete(start(call, applicant), applicant)
    services.attach_file(draft, document(call, "Visura camerale").key, pdf(), by=applicant)
    services.submit_application(draft, by=applicant)
    call.refresh_from_db()
    with pytest.raises(ValidationError, match="documenti richiesti non possono più"):
        services.ensure_list_editable(call, "documenti", by=operator)


def test_a_document_accepts_only_the_platforms_types_and_size(call):
    bad = RequiredDocument(call=call, name="Bilancio", file_types=["exe"], max_size_mb=50)
    with pytest.raises(ValidationError) as refused:
        bad.clean()
    assert set(refused.value.message_dict) == {"file_types", "max_size_mb"}


def test_the_assigned_evaluator_downloads_the_documents_and_another_is_refused(
    client_as, applicant, operator, evaluator, call
):
    application = _submitted_with_visura(call, applicant, operator)
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )
    evaluation_services.declare_interest(assignment, by=evaluator, conflict=False)
    visura = application.attachments.get(question_key=document(call, "Visura camerale").key)
    url = reverse("evaluations:attachment", args=[assignment.pk, visura.pk])
    page = client_as(evaluator).get(reverse("evaluations:assignment", args=[assignment.pk]))
    assert url in page.content.decode()
    response = client_as(evaluator).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES

    stranger = make_user("valutatrice2@example.org", Role.EVALUATOR)
    assert client_as(stranger).get(url).status_code == 404
    # nor through the office's download
    assert client_as(stranger).get(reverse("calls:attachment", args=[visura.pk])).status_code == 404


def test_in_a_blind_call_the_file_name_is_not_given_to_the_evaluator(
    client_as, applicant, operator, evaluator, call
):
    call.blind_evaluation = True
    call.save(update_fields=["blind_evaluation"])
    application = _submitted_with_visura(call, applicant, operator, name="Rossi Mario visura.pdf")
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )
    evaluation_services.declare_interest(assignment, by=evaluator, conflict=False)
    visura = application.attachments.get(question_key=document(call, "Visura camerale").key)
    page = client_as(evaluator).get(reverse("evaluations:assignment", args=[assignment.pk]))
    assert "Rossi" not in page.content.decode()
    response = client_as(evaluator).get(
        reverse("evaluations:attachment", args=[assignment.pk, visura.pk])
    )
    assert "Rossi" not in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.pdf"')


def _submitted_with_visura(call, applicant, operator, name="visura.pdf"):
    draft = complete(start(call, applicant), applicant)
    services.attach_file(draft, document(call, "Visura camerale").key, pdf(name), by=applicant)
    services.submit_application(draft, by=applicant)
    results = [(item, True, "") for item in call.eligibility_items.all()]
    return services.record_screening(draft, results, by=operator)


# Requests for information with a file -------------------------------------------------------


@pytest.fixture
def asked(call, applicant, operator):
    application = _submitted_with_visura(call, applicant, operator)
    return services.request_information(
        application,
        by=operator,
        message="Inviate il bilancio 2025",
        reply_by=timezone.now() + timezone.timedelta(days=5),
    )


def test_a_request_and_its_reply_emit_their_events(asked, applicant):
    sent = Event.objects.get(name="information_request.sent")
    assert sent.payload == {
        "application": asked.application_id,
        "call": asked.application.call_id,
        "request": asked.pk,
    }
    services.reply_to_request(asked, "Ecco il bilancio", by=applicant, upload=pdf("bilancio.pdf"))
    answered = Event.objects.get(name="information_request.answered")
    assert answered.payload == sent.payload


def test_the_reply_carries_a_file_that_the_office_downloads(
    client, client_as, asked, applicant, operator
):
    response = client_as(applicant).post(
        reverse("calls:reply", args=[asked.application_id, asked.pk]),
        {"reply": "Ecco il bilancio", "file": pdf("Bilancio Rossi.pdf")},
        follow=True,
    )
    assert "Risposta inviata" in response.content.decode()
    asked.refresh_from_db()
    assert asked.reply_file_type == "application/pdf"
    assert "Rossi" not in asked.reply_file.name
    url = reverse("calls:reply_file", args=[asked.pk])
    review = client_as(operator).get(reverse("calls:review", args=[asked.application_id]))
    assert url in review.content.decode()
    download = client_as(operator).get(url)
    assert b"".join(download.streaming_content) == PDF_BYTES
    other = make_user("altra@example.org", Role.APPLICANT)
    assert client_as(other).get(url).status_code == 404


def test_a_reply_with_a_spoofed_or_too_large_file_is_refused_and_nothing_is_saved(
    client_as, asked, applicant
):
    url = reverse("calls:reply", args=[asked.application_id, asked.pk])
    response = client_as(applicant).post(
        url, {"reply": "Ecco", "file": pdf("bilancio.pdf", b"MZ not a pdf")}, follow=True
    )
    assert "Il file della risposta: Questo tipo di file non è accettato" in (
        response.content.decode()
    )
    big = pdf("bilancio.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024))
    response = client_as(applicant).post(url, {"reply": "Ecco", "file": big}, follow=True)
    assert "Il file della risposta: Il file è troppo grande" in response.content.decode()
    asked.refresh_from_db()
    assert asked.replied_at is None
    assert not Event.objects.filter(name="information_request.answered").exists()
