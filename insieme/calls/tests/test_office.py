"""The office's side: calls, forms, public pages, screening."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insieme.calls.models import (
    ApplicationStatus,
    Call,
    Criterion,
    EligibilityItem,
    FormSection,
    Question,
)
from insieme.calls.tests.helpers import make_call, start, submitted

OFFICE_VIEWS = [
    ("calls:manage_list", False, "get"),
    ("calls:create", False, "get"),
    ("calls:manage", True, "get"),
    ("calls:edit", True, "get"),
    ("calls:form_builder", True, "get"),
    ("calls:publish", True, "post"),
    ("calls:section_add", True, "post"),
    ("calls:question_add", True, "get"),
    ("calls:question_add", True, "post"),
]


@pytest.fixture
def call(db):
    return make_call()


@pytest.mark.parametrize(("name", "with_pk", "method"), OFFICE_VIEWS)
@pytest.mark.parametrize(
    "who", ["applicant", "evaluator", "coach", "funder", "partner", "outsider"]
)
def test_office_views_are_for_operators_and_admins(
    client_as, cast, call, name, with_pk, method, who
):
    url = reverse(name, args=[call.pk] if with_pk else [])
    assert getattr(client_as(cast[who]), method)(url).status_code == 403


@pytest.mark.parametrize(("name", "with_pk", "method"), OFFICE_VIEWS)
def test_office_views_need_login(client, call, name, with_pk, method):
    url = reverse(name, args=[call.pk] if with_pk else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(("name", "with_pk", "method"), [v for v in OFFICE_VIEWS if v[2] == "get"])
@pytest.mark.parametrize("who", ["operator", "admin"])
def test_office_views_work(client_as, cast, call, name, with_pk, method, who):
    url = reverse(name, args=[call.pk] if with_pk else [])
    assert client_as(cast[who]).get(url).status_code == 200


@pytest.mark.parametrize("who", ["applicant", "evaluator", "outsider"])
def test_review_and_screening_are_for_the_office(client_as, cast, call, who):
    application = submitted(call, cast["applicant"])
    client = client_as(cast[who])
    assert client.get(reverse("calls:review", args=[application.pk])).status_code == 403
    assert client.post(reverse("calls:screen", args=[application.pk])).status_code == 403
    assert client.post(reverse("calls:request_info", args=[application.pk])).status_code == 403


def test_operator_creates_a_call(client_as, operator):
    response = client_as(operator).post(
        reverse("calls:create"),
        {
            "code": "AU-2027",
            "title": "Autoimpiego 2027",
            "line": "autoimpiego",
            "edition": "2027",
            "opens_at": "2027-01-10T09:00:00",
            "closes_at": "2027-02-28T12:00:00",
            "budget": "50000",
            "max_admitted": "10",
            "evaluators_per_application": "2",
        },
    )
    call = Call.objects.get(code="AU-2027")
    assert response.url == reverse("calls:manage", args=[call.pk])
    # the operator types Italian time; the closing second is stored exactly
    closes = timezone.localtime(call.closes_at)
    assert (closes.hour, closes.minute, closes.second) == (12, 0, 0)
    assert str(closes.tzinfo) == "Europe/Rome"


def test_closing_before_opening_gets_the_italian_message(client_as, operator):
    response = client_as(operator).post(
        reverse("calls:create"),
        {
            "code": "X",
            "title": "X",
            "line": "autoimpiego",
            "opens_at": "2027-02-10T09:00:00",
            "closes_at": "2027-01-10T09:00:00",
            "evaluators_per_application": "1",
        },
    )
    assert "La chiusura deve venire dopo" in response.content.decode()


def test_operator_edits_the_lists_of_a_call(client_as, operator):
    call = Call.objects.create(code="C1", title="Bando", line="autoimpiego")
    prefix = "criteri"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-position": "1",
        f"{prefix}-0-name": "Innovatività",
        f"{prefix}-0-weight": "30",
        f"{prefix}-0-max_score": "10",
    }
    response = client_as(operator).post(reverse("calls:list_edit", args=[call.pk, "criteri"]), data)
    assert response.status_code == 302
    assert Criterion.objects.get(call=call).name == "Innovatività"
    assert (
        client_as(operator).get(reverse("calls:list_edit", args=[call.pk, "boh"])).status_code
        == 404
    )


def test_operator_builds_the_form_and_publishes(client_as, operator):
    call = Call.objects.create(
        code="C2",
        title="Bando",
        line="autoimpiego",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=30),
    )
    client = client_as(operator)
    response = client.post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "Definisci il modulo di candidatura" in response.content.decode()
    client.post(
        reverse("calls:section_add", args=[call.pk]), {"position": "1", "title": "Chi siete"}
    )
    section = FormSection.objects.get(call=call)
    response = client.post(
        reverse("calls:question_add", args=[call.pk]),
        {
            "section": section.pk,
            "position": "1",
            "label": "Settore",
            "kind": "choice",
            "choices": "Uno",
        },
    )
    assert response.status_code == 400
    assert "almeno due opzioni" in response.content.decode()
    client.post(
        reverse("calls:question_add", args=[call.pk]),
        {
            "section": section.pk,
            "position": "1",
            "label": "Settore",
            "kind": "choice",
            "choices": "Cibo\nModa",
            "required": "on",
        },
    )
    assert Question.objects.get(section=section).choice_list == ["Cibo", "Moda"]
    response = client.post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "Definisci i criteri di valutazione" in response.content.decode()
    call.refresh_from_db()
    assert not call.is_published
    Criterion.objects.create(call=call, name="Impatto", weight=100, max_score=10)
    client.post(reverse("calls:publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.is_published


def test_public_pages_show_only_published_open_calls(client, db):
    open_call = make_call("APERTO", title="Bando aperto")
    make_call("BOZZA", title="Bando non pubblicato", published=False)
    make_call(
        "CHIUSO",
        title="Bando chiuso",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
    )
    html = client.get(reverse("calls:public_list")).content.decode()
    assert "Bando aperto" in html
    assert "Bando non pubblicato" not in html
    assert "Bando chiuso" not in html
    page = client.get(reverse("calls:public_detail", args=[open_call.pk])).content.decode()
    assert "Iscrizione al RUNTS" in page
    assert "Candidati" in page
    hidden = Call.objects.get(code="BOZZA")
    assert client.get(reverse("calls:public_detail", args=[hidden.pk])).status_code == 404


def test_landing_page_links_the_open_calls(client, db):
    assert "Bandi aperti" in client.get("/").content.decode()


def test_navigation_per_role(client_as, cast):
    assert "Bandi" in client_as(cast["operator"]).get("/").content.decode()
    assert "Valutazioni" in client_as(cast["evaluator"]).get("/").content.decode()
    assert "Le mie candidature" in client_as(cast["applicant"]).get("/").content.decode()


def test_screening_ineligible_sends_a_reasoned_notice(
    midday, client_as, operator, applicant, call, django_capture_on_commit_callbacks
):
    application = submitted(call, applicant)
    first, second = EligibilityItem.objects.filter(call=call).order_by("position")
    client = client_as(operator)
    response = client.post(
        reverse("calls:screen", args=[application.pk]),
        {f"met_{first.pk}": "si", f"met_{second.pk}": "no"},
    )
    assert response.status_code == 400
    assert "Indica perché il requisito non è soddisfatto" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("calls:screen", args=[application.pk]),
            {
                f"met_{first.pk}": "si",
                f"met_{second.pk}": "no",
                f"reason_{second.pk}": "Non risulta iscritta al RUNTS",
            },
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    assert application.outcome_date == timezone.localdate()
    assert "Non risulta iscritta al RUNTS" in mail.outbox[0].body
    assert "non è ammissibile" in mail.outbox[0].body
    html = client_as(applicant).get(reverse("calls:application", args=[application.pk]))
    assert "Non risulta iscritta al RUNTS" in html.content.decode()


def test_screening_eligible_moves_to_evaluation(client_as, operator, applicant, call):
    application = submitted(call, applicant)
    data = {f"met_{item.pk}": "si" for item in call.eligibility_items.all()}
    client_as(operator).post(reverse("calls:screen", args=[application.pk]), data)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_EVALUATION


def test_drafts_are_never_shown_to_the_office(client_as, operator, applicant, call):
    draft = start(call, applicant)
    assert client_as(operator).get(reverse("calls:review", args=[draft.pk])).status_code == 404
    html = client_as(operator).get(reverse("calls:manage", args=[call.pk])).content.decode()
    assert "Orto sociale" not in html


def test_review_page_shows_answers_and_logs_the_access(client_as, operator, applicant, call):
    from auditlog.models import LogEntry

    application = submitted(call, applicant)
    html = client_as(operator).get(reverse("calls:review", args=[application.pk])).content.decode()
    assert "Un orto condiviso" in html
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=operator).exists()


@pytest.mark.parametrize("name", ["calls:manage_list", "calls:manage"])
def test_office_lists_query_count_does_not_grow(client_as, operator, applicant, call, name):
    client = client_as(operator)
    url = reverse(name, args=[call.pk] if name == "calls:manage" else [])
    submitted(call, applicant)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        submitted(call, applicant, title=f"Altro {n}")
        make_call(f"ALTRO-{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["applicant", "evaluator", "outsider"])
def test_list_and_question_editors_are_for_the_office(client_as, cast, call, who):
    question = Question.objects.filter(section__call=call).first()
    client = client_as(cast[who])
    assert client.get(reverse("calls:list_edit", args=[call.pk, "faq"])).status_code == 403
    assert (
        client.get(reverse("calls:question_edit", args=[call.pk, question.pk])).status_code == 403
    )
    assert (
        client.post(reverse("calls:question_delete", args=[call.pk, question.pk])).status_code
        == 403
    )


def test_operator_deletes_a_question_until_the_form_is_frozen(client_as, operator, applicant, call):
    questions = list(Question.objects.filter(section__call=call))
    client = client_as(operator)
    client.post(reverse("calls:question_delete", args=[call.pk, questions[2].pk]))
    assert not Question.objects.filter(pk=questions[2].pk).exists()
    submitted(call, applicant)
    response = client.post(
        reverse("calls:question_delete", args=[call.pk, questions[1].pk]), follow=True
    )
    assert "non può più essere modificato" in response.content.decode()
    assert Question.objects.filter(pk=questions[1].pk).exists()


def test_an_unpublished_call_cannot_be_applied_to_and_publication_needs_dates(client_as, operator):
    call = Call.objects.create(code="C3", title="Senza date", line="autoimpiego")
    response = client_as(operator).post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "Imposta data e ora di apertura e chiusura" in response.content.decode()


def test_operator_renames_and_deletes_a_section(client_as, operator, applicant, call):
    section = FormSection.objects.get(call=call)
    url = reverse("calls:section_edit", args=[call.pk, section.pk])
    assert client_as(applicant).get(url).status_code == 403
    client = client_as(operator)
    client.post(url, {"position": "1", "title": "Il vostro progetto"})
    section.refresh_from_db()
    assert section.title == "Il vostro progetto"
    response = client.post(url, {"delete": "1"}, follow=True)
    assert "Elimina prima le domande della sezione" in response.content.decode()
    empty = FormSection.objects.create(call=call, position=2, title="Vuota")
    client.post(reverse("calls:section_edit", args=[call.pk, empty.pk]), {"delete": "1"})
    assert not FormSection.objects.filter(pk=empty.pk).exists()
    response = client.post(url, {"position": "1", "title": ""})
    assert response.status_code == 400
    assert "Questo campo è obbligatorio" in response.content.decode()
