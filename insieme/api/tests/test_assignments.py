"""The evaluators' endpoints x every role: their own assignments only (a conflicted one is gone,
as from the page), the declaration and the scores through the page's forms (422) and the
evaluations services (409)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from insieme.accounts.models import Role
from insieme.api.tests.support import FORBIDDEN, ROLES
from insieme.calls.models import Application, ApplicationStatus
from insieme.calls.tests.helpers import eligible, make_call
from insieme.evaluations.models import Assignment, Declaration, Score


@pytest.fixture
def call(db):
    return make_call("EV-2026")


@pytest.fixture
def application(call, cast):
    return eligible(call, cast["applicant"], cast["operator"])


def _assign(application, evaluator, assigned_by, **extra) -> Assignment:
    return Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=assigned_by, **extra
    )


@pytest.fixture
def mine(application, cast) -> Assignment:
    return _assign(application, cast["evaluator"], cast["operator"])


@pytest.fixture
def declared(mine) -> Assignment:
    Assignment.objects.filter(pk=mine.pk).update(declaration=Declaration.NO_CONFLICT)
    mine.refresh_from_db()
    return mine


def _criteria(call):
    impact, sustainability = call.criteria.order_by("position")
    return impact, sustainability


def _writer(api_as, user):
    return api_as(user, scopes=("read", "write"))


# --- every endpoint x every role ------------------------------------------------------------


def _requests(call, assignment):
    impact, _s = _criteria(call)
    return [
        ("get", "assignments", None, 200),
        ("get", f"assignments/{assignment.pk}", None, 200),
        (
            "post",
            f"assignments/{assignment.pk}/scores",
            {"scores": [{"criterion": impact.pk, "score": "7"}]},
            200,
        ),
        ("post", f"assignments/{assignment.pk}/declaration", {"conflict": False}, 200),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(4))
def test_each_endpoint_is_the_evaluators_alone(index, role, cast, call, declared, api_as):
    if index == 3:
        # The declaration is made once: the evaluator declares on a pending assignment.
        Assignment.objects.filter(pk=declared.pk).update(declaration=Declaration.PENDING)
    method, path, body, status = _requests(call, declared)[index]
    api = _writer(api_as, cast[role])
    response = api.get(path) if method == "get" else api.post(path, body)
    if role == "evaluator":
        assert response.status_code == status, response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json() == FORBIDDEN
    scored = Score.objects.filter(assignment=declared).exists()
    assert scored == (role == "evaluator" and index == 2)


def test_a_read_token_cannot_declare_or_score(cast, call, mine, api_as):
    api = api_as(cast["evaluator"], scopes=("read",))
    response = api.post(f"assignments/{mine.pk}/declaration", {"conflict": False})
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert Assignment.objects.get(pk=mine.pk).declaration == Declaration.PENDING
    # And a write-only token cannot read.
    assert api_as(cast["evaluator"], scopes=("write",)).get("assignments").status_code == 403


# --- what an evaluator sees ---------------------------------------------------------------------


def test_an_evaluator_sees_only_their_own_assignments_never_a_conflicted_one(
    cast, call, application, mine, api_as
):
    other_evaluator = make_user("altro.valutatore@example.org", Role.EVALUATOR)
    theirs = _assign(application, other_evaluator, cast["operator"])
    second = eligible(make_call("EV-2027"), cast["applicant"], cast["operator"])
    conflicted = _assign(
        second,
        cast["evaluator"],
        cast["operator"],
        declaration=Declaration.CONFLICT,
        conflict_note="Socio",
    )
    api = api_as(cast["evaluator"])
    body = api.get("assignments").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["application"] == {
        "id": application.pk,
        "code": "",  # the protocol number comes with the application, once declared
        "title": application.title,
        "call": call.pk,
        "call_code": "EV-2026",
        "status": ApplicationStatus.IN_EVALUATION,
        "blind_evaluation": call.blind_evaluation,
    }
    assert (row["declaration"], row["can_score"], row["criteria"]) == (
        "da_dichiarare",
        False,
        None,
    )
    for hidden in (theirs, conflicted):
        response = api.get(f"assignments/{hidden.pk}")
        assert response.status_code == 404
        assert response.json()["message"] == "Non trovato."
    # The other evaluator, likewise, sees theirs only.
    assert [r["id"] for r in api_as(other_evaluator).get("assignments").json()["results"]] == [
        theirs.pk
    ]


def test_the_list_filters_and_keeps_a_constant_number_of_queries(
    cast, call, application, declared, api_as
):
    api = api_as(cast["evaluator"])
    assert api.get("assignments", call=call.pk).json()["count"] == 1
    assert api.get("assignments", call=999999).json()["count"] == 0
    assert api.get("assignments", declaration="nessun_conflitto").json()["count"] == 1
    assert api.get("assignments", declaration="da_dichiarare").json()["count"] == 0
    assert api.get("assignments", completed=True).json()["count"] == 0
    assert api.get("assignments", completed=False).json()["count"] == 1
    bad = api.get("assignments", declaration="boh")
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["declaration"]
    with CaptureQueriesContext(connection) as one:
        api.get("assignments")
    for n in range(3):
        other = Application.objects.create(
            code=f"EV-2026-9{n}",
            call=call,
            title=f"Progetto {n}",
            owner=cast["applicant"],
            status=ApplicationStatus.IN_EVALUATION,
        )
        _assign(other, cast["evaluator"], cast["operator"])
    with CaptureQueriesContext(connection) as four:
        assert api.get("assignments").json()["count"] == 4
    assert len(four) == len(one)


def test_the_detail_shows_the_criteria_and_my_scores_once_declared(cast, call, mine, api_as):
    api = api_as(cast["evaluator"])
    assert api.get(f"assignments/{mine.pk}").json()["criteria"] is None
    Assignment.objects.filter(pk=mine.pk).update(declaration=Declaration.NO_CONFLICT)
    impact, sustainability = _criteria(call)
    Score.objects.create(assignment=mine, criterion=impact, value=Decimal(8), comment="Solido")
    body = api.get(f"assignments/{mine.pk}").json()
    assert body["can_score"] is True
    assert body["criteria"] == [
        {
            "criterion": impact.pk,
            "position": 1,
            "name": "Impatto sociale",
            "description": "",
            "weight": "60.00",
            "max_score": "10.00",
            "score": "8.00",
            "comment": "Solido",
        },
        {
            "criterion": sustainability.pk,
            "position": 2,
            "name": "Sostenibilità",
            "description": "",
            "weight": "40.00",
            "max_score": "5.00",
            "score": None,
            "comment": "",
        },
    ]


# --- the declaration ----------------------------------------------------------------------------


def test_declaring_no_conflict_opens_the_application(cast, call, mine, api_as):
    api = _writer(api_as, cast["evaluator"])
    response = api.post(f"assignments/{mine.pk}/declaration", {"conflict": False})
    assert response.status_code == 200, response.content
    assert (response.json()["declaration"], response.json()["can_score"]) == (
        "nessun_conflitto",
        True,
    )
    assert len(response.json()["criteria"]) == 2
    again = api.post(f"assignments/{mine.pk}/declaration", {"conflict": False})
    assert again.status_code == 409
    assert again.json() == {
        "code": "declared",
        "message": "Hai già reso la dichiarazione.",
        "message_en": "You have already made your declaration.",
        "fields": {},
    }


def test_a_conflict_needs_a_note_and_takes_the_application_away(cast, call, mine, api_as):
    api = _writer(api_as, cast["evaluator"])
    response = api.post(f"assignments/{mine.pk}/declaration", {"conflict": True, "note": " "})
    assert response.status_code == 422
    assert response.json()["fields"] == {"note": ["Descrivi brevemente il conflitto di interessi."]}
    assert Assignment.objects.get(pk=mine.pk).declaration == Declaration.PENDING
    declared = api.post(
        f"assignments/{mine.pk}/declaration", {"conflict": True, "note": "Socia del richiedente"}
    )
    assert declared.status_code == 200
    assert (declared.json()["declaration"], declared.json()["criteria"]) == ("conflitto", None)
    # From now on it is gone, as from the page: no reading, no scoring.
    assert api.get("assignments").json()["count"] == 0
    assert api.get(f"assignments/{mine.pk}").status_code == 404
    impact, _s = _criteria(call)
    scored = api.post(
        f"assignments/{mine.pk}/scores", {"scores": [{"criterion": impact.pk, "score": "5"}]}
    )
    assert scored.status_code == 404
    assert not Score.objects.filter(assignment=mine).exists()


def test_a_conflict_found_late_is_refused_once_the_evaluation_is_complete(
    cast, call, declared, api_as
):
    api = _writer(api_as, cast["evaluator"])
    impact, sustainability = _criteria(call)
    done = api.post(
        f"assignments/{declared.pk}/scores",
        {
            "scores": [
                {"criterion": impact.pk, "score": "9"},
                {"criterion": sustainability.pk, "score": "4"},
            ],
            "complete": True,
        },
    )
    assert done.status_code == 200
    late = api.post(
        f"assignments/{declared.pk}/declaration", {"conflict": True, "note": "L'ho scoperto ora"}
    )
    assert late.status_code == 409
    assert late.json()["code"] == "completed"
    assert late.json()["message"].startswith("La tua valutazione è già completata")
    assert Assignment.objects.get(pk=declared.pk).declaration == Declaration.NO_CONFLICT


# --- the scores ---------------------------------------------------------------------------------


def test_no_scores_before_the_declaration(cast, call, mine, api_as):
    impact, _s = _criteria(call)
    response = _writer(api_as, cast["evaluator"]).post(
        f"assignments/{mine.pk}/scores", {"scores": [{"criterion": impact.pk, "score": "5"}]}
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "declaration_pending",
        "message": "Dichiara prima se hai un conflitto di interessi con questa candidatura.",
        "message_en": "Declare first whether you have a conflict of interest with this application.",
        "fields": {},
    }
    assert not Score.objects.filter(assignment=mine).exists()


def test_scores_are_checked_by_the_pages_form(cast, call, declared, api_as):
    api = _writer(api_as, cast["evaluator"])
    impact, sustainability = _criteria(call)
    path = f"assignments/{declared.pk}/scores"
    too_high = api.post(
        path,
        {
            "scores": [
                {"criterion": impact.pk, "score": "11"},
                {"criterion": sustainability.pk, "score": "-1"},
            ]
        },
    )
    assert too_high.status_code == 422
    assert too_high.json()["fields"] == {
        f"scores.{impact.pk}.score": ["Assicurati che questo valore sia minore o uguale a 10.00."],
        f"scores.{sustainability.pk}.score": [
            "Assicurati che questo valore sia maggiore o uguale a 0."
        ],
    }
    unknown = api.post(path, {"scores": [{"criterion": 999999, "score": "1"}]})
    assert unknown.status_code == 422
    assert unknown.json()["fields"] == {
        "scores": [
            "Dai a ogni criterio del bando al massimo un punteggio: 999999 non è uno di essi."
        ]
    }
    twice = api.post(
        path,
        {
            "scores": [
                {"criterion": impact.pk, "score": "1"},
                {"criterion": impact.pk, "score": "2"},
            ]
        },
    )
    assert twice.json()["fields"] == {
        "scores": ["Dai a ogni criterio del bando al massimo un punteggio."]
    }
    assert not Score.objects.filter(assignment=declared).exists()


def test_saving_then_completing_the_scores(cast, call, declared, api_as):
    api = _writer(api_as, cast["evaluator"])
    impact, sustainability = _criteria(call)
    path = f"assignments/{declared.pk}/scores"
    saved = api.post(path, {"scores": [{"criterion": impact.pk, "score": "8", "comment": "Buono"}]})
    assert saved.status_code == 200
    assert saved.json()["total"] == "48.00"
    assert saved.json()["completed_at"] is None
    # Completing needs every criterion: the one left out is missing.
    missing = api.post(path, {"scores": [], "complete": True})
    assert missing.status_code == 409
    assert missing.json()["code"] == "score_missing"
    assert missing.json()["message"] == "Dai un punteggio a ogni criterio: manca Sostenibilità."
    done = api.post(
        path, {"scores": [{"criterion": sustainability.pk, "score": "2.5"}], "complete": True}
    )
    assert done.status_code == 200, done.content
    body = done.json()
    # The score saved before stays: 8/10*60 + 2.5/5*40.
    assert (body["total"], body["can_score"]) == ("68.00", False)
    assert body["completed_at"] is not None
    assert [(c["score"], c["comment"]) for c in body["criteria"]] == [
        ("8.00", "Buono"),
        ("2.50", ""),
    ]
    again = api.post(path, {"scores": [{"criterion": impact.pk, "score": "1"}]})
    assert again.status_code == 409
    assert again.json()["message"] == "Questa valutazione è già completata."
    assert Score.objects.get(assignment=declared, criterion=impact).value == Decimal(8)


def test_no_scores_once_the_application_is_no_longer_under_evaluation(
    cast, call, application, declared, api_as
):
    application.status = ApplicationStatus.NOT_SELECTED
    application.save()
    impact, _s = _criteria(call)
    response = _writer(api_as, cast["evaluator"]).post(
        f"assignments/{declared.pk}/scores", {"scores": [{"criterion": impact.pk, "score": "5"}]}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "closed"
    assert response.json()["message"] == "La candidatura non è più in valutazione."
