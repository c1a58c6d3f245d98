from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls import services
from insieme.calls.models import NEXT_STEPS, Application, ApplicationStatus, FormVersion, Question
from insieme.calls.rules import APPLICATION
from insieme.calls.tests.helpers import (
    PDF_BYTES,
    complete,
    make_call,
    questions,
    start,
    submitted,
)
from insieme.core import rules
from insieme.network.models import Organisation
from insieme.people.models import Person


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def other_applicant(db):
    return make_user("altra@example.org", Role.APPLICANT, first_name="Bruna")


# Starting an application --------------------------------------------------------------------


def test_applicant_starts_as_organisation_and_it_is_registered(client_as, applicant, call):
    response = client_as(applicant).post(
        reverse("calls:apply", args=[call.pk]),
        {
            "title": "Orto sociale",
            "applicant_kind": "organizzazione",
            "fiscal_code": "012 345 678 97",
            "organisation_name": "Associazione Il Ponte",
            "legal_form": "associazione",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("calls:application", args=[application.pk])
    assert application.owner == applicant
    assert application.status == ApplicationStatus.DRAFT
    assert application.applicant_organisation == Organisation.objects.get(fiscal_code="01234567897")
    assert application.form_version.number == 1


def test_the_representative_is_linked_and_another_account_cannot_claim_the_organisation(
    applicant, other_applicant, call
):
    from insieme.network.models import OrganisationMember

    start(call, applicant, organisation=True)
    organisation = Organisation.objects.get(fiscal_code="01234567897")
    assert OrganisationMember.objects.filter(organisation=organisation, user=applicant).exists()
    start(call, applicant, organisation=True, title="Secondo progetto")
    with pytest.raises(ValidationError, match=r"già rappresentata|already represented"):
        start(call, other_applicant, organisation=True)


def test_applicant_starts_as_person(client_as, applicant, call):
    client_as(applicant).post(
        reverse("calls:apply", args=[call.pk]),
        {
            "title": "Bottega",
            "applicant_kind": "persona",
            "fiscal_code": "rssmra80a01a944i",
            "first_name": "Mario",
            "last_name": "Rossi",
        },
    )
    assert Application.objects.get().applicant_person == Person.objects.get(
        fiscal_code="RSSMRA80A01A944I"
    )


def test_start_with_a_wrong_code_gets_the_italian_message(client_as, applicant, call):
    response = client_as(applicant).post(
        reverse("calls:apply", args=[call.pk]),
        {
            "title": "Orto",
            "applicant_kind": "organizzazione",
            "fiscal_code": "01234567890",
            "organisation_name": "X",
        },
    )
    assert response.status_code == 400
    assert "11 cifre" in response.content.decode()
    assert not Application.objects.exists()


def test_apply_page_requires_the_applicant_role(client, client_as, operator, call):
    url = reverse("calls:apply", args=[call.pk])
    assert client.get(url).status_code == 302
    assert client_as(operator).get(url).status_code == 403


def test_apply_to_an_unpublished_call_is_404(client_as, applicant):
    call = make_call(published=False)
    assert client_as(applicant).get(reverse("calls:apply", args=[call.pk])).status_code == 404


# Form versions ------------------------------------------------------------------------------


def test_a_draft_follows_the_form_until_the_first_submission_then_the_form_is_frozen(
    client_as, applicant, operator, call
):
    draft = start(call, applicant)
    assert draft.form_version.number == 1
    question = Question.objects.get(section__call=call, label="Persone coinvolte")
    question.label = "Quante persone coinvolgete?"
    question.save()
    # the applicant opens the draft again and answers the new version
    client_as(applicant).get(reverse("calls:application", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.form_version.number == 2
    application = services.submit_application(complete(draft, applicant), by=applicant)
    call.refresh_from_db()
    assert call.form_is_frozen
    response = client_as(operator).post(
        reverse("calls:question_edit", args=[call.pk, question.pk]),
        {
            "section": question.section_id,
            "position": 3,
            "label": "Cambiata",
            "kind": "text",
        },
        follow=True,
    )
    assert "non può più essere modificato" in response.content.decode()
    question.refresh_from_db()
    assert question.label == "Quante persone coinvolgete?"
    application.refresh_from_db()
    labels = [q["label"] for q in application.form_version.questions()]
    assert "Quante persone coinvolgete?" in labels
    assert FormVersion.objects.filter(call=call).count() == 2


def test_a_draft_started_before_the_freeze_submits_the_frozen_version(applicant, call):
    late = start(call, applicant, title="Tardiva")
    question = Question.objects.get(section__call=call, label="Persone coinvolte")
    question.label = "Quante persone?"
    question.save()
    services.submit_application(complete(start(call, applicant), applicant), by=applicant)
    services.submit_application(complete(late, applicant), by=applicant)
    late.refresh_from_db()
    assert late.form_version.number == 2
    assert "Quante persone?" in [q["label"] for q in late.form_version.questions()]


def test_an_unchanged_form_does_not_make_new_versions(applicant, call):
    start(call, applicant)
    start(call, applicant, title="Secondo")
    assert FormVersion.objects.filter(call=call).count() == 1


# Autosave ----------------------------------------------------------------------------------


def test_autosave_with_htmx_returns_the_status_fragment_and_keeps_the_answers(
    client_as, applicant, call
):
    draft = start(call, applicant)
    keys = questions(call)
    client = client_as(applicant)
    response = client.post(
        reverse("calls:autosave", args=[draft.pk]),
        {
            "title": "Orto sociale",
            keys["Descrizione"]: "Prima stesura",
            keys["Persone coinvolte"]: "4",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="draft-status"' in html
    assert "<html" not in html
    assert "Bozza salvata" in html
    assert "Allega: Piano economico" in html
    # the browser is closed: a new session finds the draft as it was
    client.logout()
    html = client_as(applicant).get(reverse("calls:application", args=[draft.pk])).content.decode()
    assert "Prima stesura" in html
    assert 'value="4"' in html


def test_autosave_keeps_valid_answers_and_reports_the_wrong_ones(client_as, applicant, call):
    draft = start(call, applicant)
    keys = questions(call)
    response = client_as(applicant).post(
        reverse("calls:autosave", args=[draft.pk]),
        {keys["Descrizione"]: "Testo", keys["Persone coinvolte"]: "molte"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Inserisci un numero intero" in html
    # the status never claims the whole draft was saved when part of it was refused
    assert "Bozza salvata" not in html
    assert "Non salvato, correggi:" in html
    assert "Le altre risposte restano come salvate alle" in html
    draft.refresh_from_db()
    assert draft.answers[keys["Descrizione"]] == "Testo"
    assert keys["Persone coinvolte"] not in draft.answers


def test_autosave_without_htmx_redirects(client_as, applicant, call):
    draft = start(call, applicant)
    response = client_as(applicant).post(reverse("calls:autosave", args=[draft.pk]), {})
    assert response.status_code == 302


def test_long_text_over_its_limit_is_not_saved(client_as, applicant, call):
    draft = start(call, applicant)
    keys = questions(call)
    response = client_as(applicant).post(
        reverse("calls:autosave", args=[draft.pk]),
        {keys["Descrizione"]: "x" * 501},
        headers={"HX-Request": "true"},
    )
    assert "500 caratteri" in response.content.decode()


def test_a_title_too_long_or_with_a_nul_is_refused_not_cut(client_as, applicant, call):
    draft = start(call, applicant)
    before = (draft.title, draft.updated_at)
    client = client_as(applicant)
    url = reverse("calls:autosave", args=[draft.pk])
    long_title = client.post(url, {"title": "O" * 250}, headers={"HX-Request": "true"})
    assert "non contenga più di 200 caratteri (ne ha 250)" in long_title.content.decode()
    nul = client.post(url, {"title": "Orto\x00"}, headers={"HX-Request": "true"})
    assert nul.status_code == 400  # core/nul.py, before the view
    assert "carattere invisibile non ammesso (NUL)" in nul.content.decode()
    draft.refresh_from_db()
    assert (draft.title, draft.updated_at) == before  # nothing changed, nothing written


# Attachments -----------------------------------------------------------------------------


def test_a_file_that_is_not_what_it_claims_is_rejected(client_as, applicant, call):
    draft = start(call, applicant)
    key = questions(call)["Piano economico"]
    fake = SimpleUploadedFile("piano.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_as(applicant).post(
        reverse("calls:attach", args=[draft.pk, key]), {"file": fake}, follow=True
    )
    assert "Questo tipo di file non è accettato" in response.content.decode()
    assert not draft.attachments.exists()


def test_a_real_pdf_is_stored_and_served_only_through_the_view(client_as, applicant, call):
    draft = start(call, applicant)
    key = questions(call)["Piano economico"]
    client = client_as(applicant)
    client.post(
        reverse("calls:attach", args=[draft.pk, key]),
        {"file": SimpleUploadedFile("piano.pdf", PDF_BYTES, content_type="text/plain")},
    )
    attachment = draft.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert "piano" not in attachment.file.name
    response = client.get(reverse("calls:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_file_too_large_is_rejected(applicant, call):
    draft = start(call, applicant)
    key = questions(call)["Piano economico"]
    big = SimpleUploadedFile("grande.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"troppo grande|too large"):
        services.attach_file(draft, key, big, by=applicant)


# Submission and deadline ---------------------------------------------------------------------


def test_the_checklist_lists_what_is_missing_and_submission_is_refused(client_as, applicant, call):
    draft = start(call, applicant)
    response = client_as(applicant).post(reverse("calls:submit", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert "La candidatura è incompleta" in html
    assert "Rispondi: Descrizione" in html
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_submission_gives_a_protocol_number_and_a_receipt(
    client_as, applicant, call, django_capture_on_commit_callbacks
):
    draft = complete(start(call, applicant), applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(applicant).post(reverse("calls:submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.code == "IS-2026-0001"
    html = response.content.decode()
    assert "IS-2026-0001" in html
    assert "verifica dei requisiti" in html  # the next step
    assert mail.outbox[0].to == [applicant.email]
    assert "IS-2026-0001" in mail.outbox[0].body
    pdf = client_as(applicant).get(reverse("calls:receipt", args=[draft.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(("offset", "accepted"), [(0, True), (1, False)])
def test_the_deadline_second_is_exact(applicant, offset, accepted):
    closes = timezone.now() + timedelta(days=1)
    closes = closes.replace(microsecond=0)
    call = make_call(closes_at=closes)
    draft = complete(start(call, applicant), applicant)
    with time_machine.travel(closes + timedelta(seconds=offset), tick=False):
        if accepted:
            services.submit_application(draft, by=applicant)
            assert draft.status == ApplicationStatus.SUBMITTED
        else:
            with pytest.raises(ValidationError, match=r"scadenza|deadline"):
                services.submit_application(draft, by=applicant)


def test_one_second_late_through_the_page(client_as, applicant):
    closes = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    call = make_call(closes_at=closes)
    draft = complete(start(call, applicant), applicant)
    with time_machine.travel(closes + timedelta(seconds=1), tick=False):
        response = client_as(applicant).post(reverse("calls:submit", args=[draft.pk]), follow=True)
    assert "La scadenza è passata" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_submitted_application_cannot_be_changed(client_as, applicant, call):
    application = submitted(call, applicant)
    response = client_as(applicant).post(
        reverse("calls:autosave", args=[application.pk]), {"title": "Altro"}, follow=True
    )
    assert "non può più essere modificata" in response.content.decode()


# Visibility ---------------------------------------------------------------------------------


def test_an_applicant_never_sees_anothers_application(client_as, applicant, other_applicant, call):
    application = submitted(call, applicant)
    draft = start(call, applicant, title="Bozza")
    attachment = application.attachments.get()
    client = client_as(other_applicant)
    for url in [
        reverse("calls:application", args=[application.pk]),
        reverse("calls:application", args=[draft.pk]),
        reverse("calls:receipt", args=[application.pk]),
        reverse("calls:attachment", args=[attachment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("calls:autosave", args=[draft.pk]),
        reverse("calls:submit", args=[draft.pk]),
        reverse("calls:withdraw", args=[application.pk]),
        reverse("calls:attach", args=[draft.pk, "q1"]),
        reverse("calls:reply", args=[application.pk, 1]),
    ]:
        assert client.post(url).status_code == 404, url
    assert "Orto sociale" not in client.get(reverse("calls:my_applications")).content.decode()


@pytest.mark.parametrize("who", ["evaluator", "partner", "funder", "coach", "outsider"])
def test_other_roles_cannot_reach_the_applicant_portal(client_as, cast, call, who):
    application = submitted(call, cast["applicant"])
    client = client_as(cast[who])
    assert client.get(reverse("calls:my_applications")).status_code == 403
    assert client.get(reverse("calls:application", args=[application.pk])).status_code == 403
    assert client.get(reverse("calls:receipt", args=[application.pk])).status_code == 404


def test_my_applications_lists_status_and_next_step(client_as, applicant, call):
    submitted(call, applicant)
    html = client_as(applicant).get(reverse("calls:my_applications")).content.decode()
    assert "Presentata" in html
    assert "IS-2026-0001" in html


def test_my_applications_query_count_does_not_grow(
    client_as, applicant, call, django_assert_max_num_queries
):
    client = client_as(applicant)
    start(call, applicant)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("calls:my_applications"))
    for n in range(5):
        start(call, applicant, title=f"Altro {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("calls:my_applications"))
    assert len(many) == len(few)


# Withdrawal and requests for information ------------------------------------------------------


def test_withdrawal_before_the_decision(midday, client_as, applicant, call):
    application = submitted(call, applicant)
    response = client_as(applicant).post(
        reverse("calls:withdraw", args=[application.pk]), follow=True
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.outcome_date == timezone.localdate()
    assert "Candidatura ritirata" in response.content.decode()
    response = client_as(applicant).post(
        reverse("calls:withdraw", args=[application.pk]), follow=True
    )
    assert "non è possibile nello stato attuale" in response.content.decode()


def test_information_request_and_reply_before_the_deadline(
    midday, client_as, applicant, operator, call, django_capture_on_commit_callbacks
):
    # At noon: "ten minutes from now" typed as a local time is never in the hour that the end of
    # summer time repeats (ambiguous) or its start skips, which the form rightly refuses.
    application = submitted(call, applicant)
    mail.outbox.clear()
    reply_by = timezone.localtime() + timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        client_as(operator).post(
            reverse("calls:request_info", args=[application.pk]),
            {"message": "Inviate lo statuto", "reply_by": reply_by.strftime("%Y-%m-%dT%H:%M:%S")},
        )
    request = application.information_requests.get()
    assert "Inviate lo statuto" in mail.outbox[0].body
    client = client_as(applicant)
    assert (
        "Inviate lo statuto"
        in client.get(reverse("calls:application", args=[application.pk])).content.decode()
    )
    with time_machine.travel(request.reply_by + timedelta(seconds=1)):
        response = client.post(
            reverse("calls:reply", args=[application.pk, request.pk]),
            {"reply": "Eccolo"},
            follow=True,
        )
    assert "termine per rispondere" in response.content.decode()
    client.post(reverse("calls:reply", args=[application.pk, request.pk]), {"reply": "Eccolo"})
    request.refresh_from_db()
    assert request.reply == "Eccolo"


def test_information_request_in_the_past_is_refused(client_as, operator, applicant, call):
    application = submitted(call, applicant)
    response = client_as(operator).post(
        reverse("calls:request_info", args=[application.pk]),
        {"message": "x", "reply_by": "2020-01-01T10:00:00"},
    )
    assert response.status_code == 400
    assert "nel futuro" in response.content.decode()


# Workflow as data ---------------------------------------------------------------------------


def test_transitions_are_checked_for_state_role_and_owner(
    applicant, operator, other_applicant, call
):
    application = submitted(call, applicant)
    with pytest.raises(PermissionDenied):
        rules.transition(application, "application.declare_eligible", by=applicant)
    with pytest.raises(PermissionDenied):
        rules.transition(application, "application.withdraw", by=other_applicant)
    with pytest.raises(ValidationError):
        rules.transition(application, "application.admit", by=operator)
    assert rules.can(operator, "application.declare_eligible", application)
    assert set(NEXT_STEPS) == set(ApplicationStatus)
    # Every state is reachable from the draft; the outcomes of DOMAIN.md are final, except that
    # the committee's riesame (review of its decision) may turn "not selected" into
    # "accompanied" and back.
    targets = {t.target for t in APPLICATION.transitions}
    assert targets == set(ApplicationStatus) - {ApplicationStatus.DRAFT}
    assert APPLICATION.targets_from(ApplicationStatus.INELIGIBLE) == set()
    assert APPLICATION.targets_from(ApplicationStatus.WITHDRAWN) == set()
    assert APPLICATION.targets_from(ApplicationStatus.NOT_SELECTED) == {
        ApplicationStatus.ACCOMPANIED
    }
    assert APPLICATION.targets_from(ApplicationStatus.ACCOMPANIED) == {
        ApplicationStatus.NOT_SELECTED
    }
    riesame = {
        t.name
        for t in APPLICATION.transitions
        if t.target in (ApplicationStatus.NOT_SELECTED, ApplicationStatus.ACCOMPANIED)
        and not set(t.sources) - {ApplicationStatus.NOT_SELECTED, ApplicationStatus.ACCOMPANIED}
    }
    assert riesame == {"application.review_not_select", "application.review_admit"}
