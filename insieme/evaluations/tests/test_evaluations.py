import datetime
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
from insieme.calls.models import ApplicationStatus
from insieme.calls.tests.helpers import close, eligible, make_call, submitted
from insieme.evaluations import services
from insieme.evaluations.models import Assignment, Declaration
from insieme.projects.models import Project
from insieme.projects.services import record_committee_decision


@pytest.fixture
def call(db):
    return make_call(blind_evaluation=True, evaluators_per_application=1)


@pytest.fixture
def second_evaluator(db):
    return make_user("secondo@example.org", Role.EVALUATOR, first_name="Sergio")


def assign(application, evaluator, operator):
    return Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )


def score(assignment, evaluator, impact, sustainability):
    criteria = list(assignment.application.call.criteria.order_by("position"))
    return services.record_scores(
        assignment,
        {criteria[0].pk: (Decimal(impact), "ok"), criteria[1].pk: (Decimal(sustainability), "")},
        by=evaluator,
        complete=True,
    )


# Assignment --------------------------------------------------------------------------------


def test_assignment_balances_the_load(operator, applicant, evaluator, second_evaluator):
    call = make_call(evaluators_per_application=1)
    for n in range(4):
        eligible(call, applicant, operator, title=f"Progetto {n}")
    created = services.assign_evaluators(call, [evaluator, second_evaluator], by=operator)
    assert len(created) == 4
    loads = [Assignment.objects.filter(evaluator=e).count() for e in (evaluator, second_evaluator)]
    assert loads == [2, 2]
    # running it again adds nothing: every application has its evaluator
    assert services.assign_evaluators(call, [evaluator, second_evaluator], by=operator) == []


def test_operator_assigns_through_the_page(client_as, operator, applicant, evaluator, call):
    eligible(call, applicant, operator)
    response = client_as(operator).post(
        reverse("evaluations:assign", args=[call.pk]), {"evaluators": [evaluator.pk]}, follow=True
    )
    assert "Assegnazioni fatte: 1" in response.content.decode()
    response = client_as(operator).post(reverse("evaluations:assign", args=[call.pk]), {})
    assert response.status_code == 400
    assert "Scegli almeno un valutatore" in response.content.decode()


# Conflict of interest ---------------------------------------------------------------------


def test_an_evaluator_must_declare_before_reading(client_as, operator, applicant, evaluator, call):
    application = eligible(call, applicant, operator)
    assignment = assign(application, evaluator, operator)
    client = client_as(evaluator)
    url = reverse("evaluations:assignment", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert "dichiara se hai un conflitto di interessi" in html
    assert "Un orto condiviso" not in html
    assert client.post(reverse("evaluations:score", args=[assignment.pk]), {}).status_code == 302
    client.post(reverse("evaluations:declare", args=[assignment.pk]), {"declaration": "nessuno"})
    assert "Un orto condiviso" in client.get(url).content.decode()


def test_a_declared_conflict_removes_the_evaluator(client_as, operator, applicant, evaluator, call):
    application = eligible(call, applicant, operator)
    assignment = assign(application, evaluator, operator)
    client = client_as(evaluator)
    response = client.post(
        reverse("evaluations:declare", args=[assignment.pk]), {"declaration": "conflitto"}
    )
    assert response.status_code == 400
    assert "Descrivi brevemente il conflitto" in response.content.decode()
    client.post(
        reverse("evaluations:declare", args=[assignment.pk]),
        {"declaration": "conflitto", "note": "È mia cugina"},
    )
    assignment.refresh_from_db()
    assert assignment.declaration == Declaration.CONFLICT
    assert client.get(reverse("evaluations:assignment", args=[assignment.pk])).status_code == 404
    assert application.code not in client.get(reverse("evaluations:mine")).content.decode()
    # and a new balanced assignment never gives it back to them
    assert services.assign_evaluators(call, [evaluator], by=operator) == []


def test_a_conflict_found_while_reading_can_still_be_declared(
    client_as, operator, applicant, evaluator, call
):
    application = eligible(call, applicant, operator)
    assignment = _declared(assign(application, evaluator, operator), evaluator)
    client = client_as(evaluator)
    url = reverse("evaluations:declare", args=[assignment.pk])
    page = client.get(reverse("evaluations:assignment", args=[assignment.pk])).content.decode()
    assert "Hai scoperto un conflitto di interessi?" in page
    response = client.post(url, {"declaration": "conflitto", "note": ""}, follow=True)
    assert "Descrivi brevemente il conflitto" in response.content.decode()
    # changing one's mind the other way is not possible
    response = client.post(url, {"declaration": "nessuno"}, follow=True)
    assert "Hai già reso la dichiarazione." in response.content.decode()
    client.post(url, {"declaration": "conflitto", "note": "Riconosco il progetto di mio fratello"})
    assignment.refresh_from_db()
    assert assignment.declaration == Declaration.CONFLICT
    assert client.get(reverse("evaluations:assignment", args=[assignment.pk])).status_code == 404


def test_after_completing_the_evaluation_the_conflict_goes_to_the_office(
    operator, applicant, evaluator, call
):
    application = eligible(call, applicant, operator)
    assignment = _declared(assign(application, evaluator, operator), evaluator)
    score(assignment, evaluator, 8, 4)
    with pytest.raises(ValidationError, match="ufficio"):
        services.declare_interest(assignment, by=evaluator, conflict=True, note="Tardi")


def test_evaluators_see_only_their_assignments(
    client_as, operator, applicant, evaluator, second_evaluator, call
):
    application = eligible(call, applicant, operator)
    assignment = assign(application, evaluator, operator)
    client = client_as(second_evaluator)
    for url in [
        reverse("evaluations:assignment", args=[assignment.pk]),
        reverse("evaluations:declare", args=[assignment.pk]),
        reverse("evaluations:score", args=[assignment.pk]),
    ]:
        method = client.get if url.endswith(f"{assignment.pk}/") else client.post
        assert method(url).status_code == 404
    assert client.get(reverse("calls:review", args=[application.pk])).status_code == 403
    assert client.get(reverse("calls:receipt", args=[application.pk])).status_code == 404


@pytest.mark.parametrize("who", ["operator", "applicant", "partner", "funder", "outsider"])
def test_evaluator_pages_need_the_evaluator_role(client_as, cast, who):
    client = client_as(cast[who])
    assert client.get(reverse("evaluations:mine")).status_code == 403
    assert client.get(reverse("evaluations:export")).status_code == 403


def test_evaluator_pages_need_login(client):
    assert client.get(reverse("evaluations:mine")).status_code == 302


# Blind mode ------------------------------------------------------------------------------


def test_blind_mode_hides_the_applicant_in_every_evaluator_view_and_export(
    client_as, operator, applicant, evaluator, call
):
    application = eligible(call, applicant, operator, organisation=True)
    assignment = assign(application, evaluator, operator)
    client = client_as(evaluator)
    secrets = ["Il Ponte", "01234567897", applicant.email, "Gialli"]
    pages = [
        client.get(reverse("evaluations:mine")),
        client.get(reverse("evaluations:assignment", args=[assignment.pk])),
    ]
    client.post(reverse("evaluations:declare", args=[assignment.pk]), {"declaration": "nessuno"})
    assignment.refresh_from_db()
    score(assignment, evaluator, 8, 4)
    attachment = application.attachments.get()
    download = client.get(reverse("evaluations:attachment", args=[assignment.pk, attachment.pk]))
    pages += [
        client.get(reverse("evaluations:assignment", args=[assignment.pk])),
        client.get(reverse("evaluations:mine")),
        client.get(reverse("evaluations:export")),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for secret in secrets:
            assert secret not in html
    assert "piano" not in download["Content-Disposition"]
    assert "Orto sociale" in pages[-1].content.decode()


def test_without_blind_mode_the_evaluator_sees_the_applicant(
    client_as, operator, applicant, evaluator
):
    call = make_call(blind_evaluation=False)
    application = eligible(call, applicant, operator, organisation=True)
    assignment = assign(application, evaluator, operator)
    html = client_as(evaluator).get(reverse("evaluations:assignment", args=[assignment.pk]))
    assert "Il Ponte" in html.content.decode()


# Scores ---------------------------------------------------------------------------------


def test_weighted_total_and_aggregate(operator, applicant, evaluator, second_evaluator, call):
    application = eligible(call, applicant, operator)
    first = assign(application, evaluator, operator)
    second = assign(application, second_evaluator, operator)
    for a, e in [(first, evaluator), (second, second_evaluator)]:
        services.declare_interest(a, by=e, conflict=False)
    # impact 8/10 x 60 = 48, sustainability 4/5 x 40 = 32
    assert score(first, evaluator, 8, 4).total == Decimal("80.00")
    # 6/10 x 60 = 36, 5/5 x 40 = 40
    assert score(second, second_evaluator, 6, 5).total == Decimal("76.00")
    [row] = services.ranking(call)
    assert row.aggregate == Decimal("78.00")
    assert row.evaluations == 2
    assert not row.disagreement


def test_the_ranking_works_on_29_february(operator, applicant, evaluator, call):
    """It once sorted the unsubmitted last with now() moved to the year 9999: no 29 February."""
    application = eligible(call, applicant, operator)
    with time_machine.travel(datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)):
        [row] = services.ranking(call)
    assert row.application == application


def test_large_disagreement_is_flagged(operator, applicant, evaluator, second_evaluator, call):
    application = eligible(call, applicant, operator)
    first = assign(application, evaluator, operator)
    second = assign(application, second_evaluator, operator)
    for a, e in [(first, evaluator), (second, second_evaluator)]:
        services.declare_interest(a, by=e, conflict=False)
    score(first, evaluator, 10, 5)  # 100
    score(second, second_evaluator, 5, 2)  # 30 + 16 = 46
    [row] = services.ranking(call)
    assert row.disagreement
    assert row.spread == Decimal("54.00")


def test_a_score_above_the_maximum_gets_the_italian_message(
    client_as, operator, applicant, evaluator, call
):
    application = eligible(call, applicant, operator)
    assignment = assign(application, evaluator, operator)
    services.declare_interest(assignment, by=evaluator, conflict=False)
    impact, sustainability = call.criteria.order_by("position")
    response = client_as(evaluator).post(
        reverse("evaluations:score", args=[assignment.pk]),
        {f"score_{impact.pk}": "11", f"score_{sustainability.pk}": "3", "complete": "1"},
    )
    assert response.status_code == 400
    assert "minore o uguale a 10" in response.content.decode()
    response = client_as(evaluator).post(
        reverse("evaluations:score", args=[assignment.pk]),
        {f"score_{impact.pk}": "7", "complete": "1"},
    )
    assert "manca Sostenibilità" in response.content.decode()


def test_scoring_through_the_page(client_as, operator, applicant, evaluator, call):
    application = eligible(call, applicant, operator)
    assignment = assign(application, evaluator, operator)
    services.declare_interest(assignment, by=evaluator, conflict=False)
    impact, sustainability = call.criteria.order_by("position")
    response = client_as(evaluator).post(
        reverse("evaluations:score", args=[assignment.pk]),
        {
            f"score_{impact.pk}": "5",
            f"comment_{impact.pk}": "Buono",
            f"score_{sustainability.pk}": "5",
            "complete": "1",
        },
        follow=True,
    )
    assert "Valutazione completata" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.total == Decimal("70.00")
    assert assignment.completed_at is not None


# Ranking and decision ----------------------------------------------------------------------


def test_ranking_ties_go_to_the_heaviest_criterion_then_to_the_earliest_submission(
    operator, applicant, evaluator, call
):
    first = eligible(call, applicant, operator, title="Primo arrivato")
    second = eligible(call, applicant, operator, title="Secondo arrivato")
    third = eligible(call, applicant, operator, title="Terzo arrivato")
    rows = {}
    for application, (impact, sustainability) in [
        (first, (6, 4)),  # 36 + 32 = 68
        (second, (8, 2)),  # 48 + 16 = 64... made equal below
        (third, (6, 4)),  # 68, same as first in every criterion
    ]:
        a = assign(application, evaluator, operator)
        services.declare_interest(a, by=evaluator, conflict=False)
        rows[application.pk] = score(a, evaluator, impact, sustainability)
    # give the second the same total as the others but more on impact (weight 60)
    second_assignment = Assignment.objects.get(application=second)
    second_assignment.scores.update(value=Decimal(0))
    impact, sustainability = call.criteria.order_by("position")
    second_assignment.scores.filter(criterion=impact).update(value=Decimal("9"))
    second_assignment.scores.filter(criterion=sustainability).update(value=Decimal("1.75"))
    Assignment.objects.filter(pk=second_assignment.pk).update(total=Decimal("68.00"))
    ranking = services.ranking(call)
    assert [r.application.title for r in ranking] == [
        "Secondo arrivato",
        "Primo arrivato",
        "Terzo arrivato",
    ]
    assert [r.position for r in ranking] == [1, 2, 3]


def test_the_committee_admits_up_to_the_limit_and_records_every_outcome(
    midday, client_as, operator, applicant, evaluator, call, django_capture_on_commit_callbacks
):
    applications = [eligible(call, applicant, operator, title=f"P{n}") for n in range(3)]
    for application, marks in zip(applications, [(9, 5), (7, 4), (5, 2)], strict=True):
        a = assign(application, evaluator, operator)
        services.declare_interest(a, by=evaluator, conflict=False)
        score(a, evaluator, *marks)
    close(call)
    client = client_as(operator)
    review = client.get(reverse("calls:review", args=[applications[0].pk])).content.decode()
    assert "totale ponderato 94,00" in review
    page = client.get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    assert "Regola per i pari merito" in page
    response = client.post(
        reverse("evaluations:decide", args=[call.pk]),
        {"admitted": [a.pk for a in applications]},
    )
    assert response.status_code == 400
    assert "al massimo 2 progetti" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("evaluations:decide", args=[call.pk]),
            {
                "admitted": [applications[0].pk, applications[1].pk],
                "notes": "Seduta del 1/12",
                "confirm": "1",
            },
        )
    for application in applications:
        application.refresh_from_db()
        assert application.outcome_date == timezone.localdate()
    assert [a.status for a in applications] == [
        ApplicationStatus.ACCOMPANIED,
        ApplicationStatus.ACCOMPANIED,
        ApplicationStatus.NOT_SELECTED,
    ]
    assert applications[0].score == Decimal("94.00")
    assert Project.objects.filter(application__in=applications[:2]).count() == 2
    assert len(mail.outbox) == 3
    assert "ammessa all'accompagnamento" in mail.outbox[0].body
    minutes = client.get(reverse("evaluations:minutes", args=[call.pk]))
    assert minutes["Content-Type"] == "application/pdf"
    assert minutes.content.startswith(b"%PDF")
    with pytest.raises(ValidationError):
        record_committee_decision(call, by=operator, admitted=[])


def test_no_decision_while_screening_is_open(operator, applicant, call):
    submitted(call, applicant)
    close(call)
    with pytest.raises(ValidationError, match="istruttoria"):
        record_committee_decision(call, by=operator, admitted=[])


def test_an_application_nobody_has_scored_cannot_be_admitted(
    client_as, operator, applicant, evaluator, call
):
    scored = eligible(call, applicant, operator, title="Valutata")
    pending = eligible(call, applicant, operator, title="Senza valutatori")
    done = assign(scored, evaluator, operator)
    services.declare_interest(done, by=evaluator, conflict=False)
    score(done, evaluator, 8, 4)
    close(call)
    client = client_as(operator)
    response = client.post(
        reverse("evaluations:decide", args=[call.pk]), {"admitted": [pending.pk]}
    )
    assert response.status_code == 400
    assert pending.code in response.content.decode()
    assert "almeno una valutazione completata" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == ApplicationStatus.IN_EVALUATION


def test_the_committee_decides_only_once_the_call_has_closed(
    client_as, operator, applicant, evaluator, call
):
    application = eligible(call, applicant, operator)
    done = assign(application, evaluator, operator)
    services.declare_interest(done, by=evaluator, conflict=False)
    score(done, evaluator, 8, 4)
    client = client_as(operator)
    page = client.get(reverse("evaluations:ranking", args=[call.pk])).content.decode()
    assert "La commissione decide solo dopo la chiusura del bando" in page
    response = client.post(
        reverse("evaluations:decide", args=[call.pk]), {"admitted": [application.pk]}
    )
    assert response.status_code == 400
    assert "La commissione decide solo dopo la chiusura del bando" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        record_committee_decision(call, by=operator, admitted=[application])
    assert refused.value.code == "call_open"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_EVALUATION
    assert not Project.objects.exists()
    close(call)
    record_committee_decision(call, by=operator, admitted=[application])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCOMPANIED
    project = Project.objects.get(application=application)
    assert project.started_on == timezone.localdate()


def test_the_committee_waits_for_every_assigned_review(
    client_as, operator, applicant, evaluator, second_evaluator, call
):
    application = eligible(call, applicant, operator)
    done = assign(application, evaluator, operator)
    services.declare_interest(done, by=evaluator, conflict=False)
    score(done, evaluator, 8, 4)
    still_open = assign(application, second_evaluator, operator)
    close(call)
    with pytest.raises(ValidationError, match="1 ancora aperte") as refused:
        record_committee_decision(call, by=operator, admitted=[application])
    assert refused.value.code == "reviews_open"
    # A review withdrawn by a conflict of interest is not waited for.
    services.declare_interest(still_open, by=second_evaluator, conflict=True, note="Socio")
    record_committee_decision(call, by=operator, admitted=[application])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCOMPANIED


def test_a_withdrawn_application_is_not_ranked(client_as, operator, applicant, evaluator, call):
    application = eligible(call, applicant, operator)
    client_as(applicant).post(reverse("calls:withdraw", args=[application.pk]))
    assert services.ranking(call) == []


@pytest.mark.parametrize("who", ["evaluator", "applicant", "coach", "funder", "outsider"])
def test_operator_pages_refuse_other_roles(client_as, cast, call, who):
    client = client_as(cast[who])
    for name in ["assign", "ranking", "minutes"]:
        assert client.get(reverse(f"evaluations:{name}", args=[call.pk])).status_code == 403
    assert client.post(reverse("evaluations:decide", args=[call.pk])).status_code == 403


def test_ranking_query_count_does_not_grow(client_as, operator, applicant, evaluator, call):
    client = client_as(operator)

    def add(n):
        for i in range(n):
            application = eligible(call, applicant, operator, title=f"X{i}-{n}")
            a = assign(application, evaluator, operator)
            services.declare_interest(a, by=evaluator, conflict=False)
            score(a, evaluator, 5, 3)

    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evaluations:ranking", args=[call.pk]))
    add(4)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("evaluations:ranking", args=[call.pk]))
    assert len(many) == len(few)


def test_my_assignments_query_count_does_not_grow(client_as, operator, applicant, evaluator, call):
    client = client_as(evaluator)
    assign(eligible(call, applicant, operator, title="A"), evaluator, operator)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evaluations:mine"))
    for n in range(4):
        assign(eligible(call, applicant, operator, title=f"B{n}"), evaluator, operator)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("evaluations:mine"))
    assert len(many) == len(few)


def test_another_evaluator_cannot_download_the_attachments(
    client_as, operator, applicant, evaluator, second_evaluator, call
):
    application = eligible(call, applicant, operator)
    assignment = assign(application, evaluator, operator)
    services.declare_interest(assignment, by=evaluator, conflict=False)
    attachment = application.attachments.get()
    url = reverse("evaluations:attachment", args=[assignment.pk, attachment.pk])
    assert client_as(second_evaluator).get(url).status_code == 404
    assert client_as(evaluator).get(url).status_code == 200
    assert (
        client_as(evaluator).get(reverse("calls:attachment", args=[attachment.pk])).status_code
        == 404
    )


def test_export_names_the_applicant_when_not_blind(client_as, operator, applicant, evaluator):
    call = make_call(blind_evaluation=False)
    application = eligible(call, applicant, operator, organisation=True)
    assignment = assign(application, evaluator, operator)
    services.declare_interest(assignment, by=evaluator, conflict=False)
    score(assignment, evaluator, 8, 4)
    csv = client_as(evaluator).get(reverse("evaluations:export")).content.decode()
    assert "Il Ponte" in csv
    assert "Impatto sociale" in csv


def test_assign_page_query_count_does_not_grow(client_as, operator, applicant, evaluator, call):
    client = client_as(operator)
    url = reverse("evaluations:assign", args=[call.pk])
    assign(eligible(call, applicant, operator), evaluator, operator)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        other = make_user(f"valutatore{n}@example.org", Role.EVALUATOR)
        assign(eligible(call, applicant, operator, title=f"P{n}"), other, operator)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "P2" in page.content.decode()
    assert len(many) == len(few)


def test_review_page_query_count_does_not_grow_with_evaluators(
    client_as, operator, applicant, evaluator, second_evaluator, call
):
    application = eligible(call, applicant, operator)
    client = client_as(operator)
    url = reverse("calls:review", args=[application.pk])
    score(_declared(assign(application, evaluator, operator), evaluator), evaluator, 8, 4)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    score(
        _declared(assign(application, second_evaluator, operator), second_evaluator),
        second_evaluator,
        6,
        3,
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def _declared(assignment, evaluator):
    return services.declare_interest(assignment, by=evaluator, conflict=False)


def test_every_status_change_is_audited_with_who_made_it(operator, applicant, evaluator, call):
    from auditlog.models import LogEntry

    application = eligible(call, applicant, operator)
    done = _declared(assign(application, evaluator, operator), evaluator)
    score(done, evaluator, 8, 4)
    withdrawn = eligible(call, applicant, operator, title="Ritirata")
    from insieme.calls import services as calls_services

    calls_services.withdraw_application(withdrawn, by=applicant)
    close(call)
    record_committee_decision(call, by=operator, admitted=[application])

    def status_changes(app):
        return [
            (entry.actor, entry.changes["status"])
            for entry in LogEntry.objects.get_for_object(app).order_by("timestamp", "pk")
            if entry.changes and "status" in entry.changes and entry.action == 1
        ]

    assert status_changes(application) == [
        (applicant, ["bozza", "presentata"]),
        (operator, ["presentata", "in_valutazione"]),
        (operator, ["in_valutazione", "accompagnata"]),
    ]
    assert status_changes(withdrawn)[-1] == (applicant, ["in_valutazione", "ritirata"])
