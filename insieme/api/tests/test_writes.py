"""The write endpoints x every role: the web view's role check (403), the owning app's
visible_to (404), the page's form (422 with field errors), the service's refusals (409), the
write scope, and the webhooks the services emit."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from insieme.api.models import WebhookDelivery
from insieme.api.tests.support import FORBIDDEN, ROLES, events
from insieme.calls.models import Application, ApplicationStatus, EligibilityCheck
from insieme.calls.tests.helpers import close, eligible, make_call, submitted
from insieme.core.models import ContractType
from insieme.employment.models import ReferralOutcome, Vacancy
from insieme.evaluations.models import Decision
from insieme.placements import services as placement_services
from insieme.placements.models import FollowUp, Placement


@dataclass
class Case:
    """One write: how to make it, which roles the web view lets through, what must change."""

    method: str
    path: str
    body: dict[str, Any]
    allowed: set[str]
    status: int
    changed: Any  # () -> bool: whether the write happened


def _screening(cast, world) -> Case:
    call = make_call("SC-2026")
    application = submitted(call, cast["applicant"])
    checks = [{"item": item.pk, "met": True} for item in call.eligibility_items.all()]
    return Case(
        "post",
        f"applications/{application.pk}/screening",
        {"checks": checks},
        {"operator", "admin"},
        200,
        lambda: (
            Application.objects.get(pk=application.pk).status == ApplicationStatus.IN_EVALUATION
        ),
    )


def _decision(cast, world) -> Case:
    call = make_call("DC-2026")
    eligible(call, cast["applicant"], cast["operator"])
    close(call)
    return Case(
        "post",
        f"calls/{call.pk}/decision",
        {"admitted": [], "notes": "Seduta del comitato"},
        {"operator", "admin"},
        200,
        lambda: Decision.objects.filter(call=call).exists(),
    )


def _referral_outcome(cast, world) -> Case:
    referral = world.referral_a
    return Case(
        "post",
        f"referrals/{referral.pk}/outcome",
        {"outcome": "non_scelta", "outcome_notes": "Profilo junior"},
        {"operator"},  # the web page is role_required(Role.OPERATOR): not the administrators
        200,
        lambda: type(referral).objects.get(pk=referral.pk).outcome == ReferralOutcome.NOT_CHOSEN,
    )


def _placement(cast, world) -> Case:
    return Case(
        "post",
        "placements",
        {
            "person": world.person_b.pk,
            "employer": world.other_org.pk,
            "contract_type": "determinato",
            "start_date": timezone.localdate().isoformat(),
            "weekly_hours": "30",
        },
        {"operator"},
        201,
        lambda: Placement.objects.filter(person=world.person_b).exists(),
    )


def _follow_up(cast, world) -> Case:
    placement = placement_services.record_placement(
        person=world.person_a,
        employer=world.partner_org,
        contract_type=ContractType.objects.get(code="determinato"),
        start_date=timezone.localdate() - datetime.timedelta(days=100),
        by=cast["operator"],
    )
    return Case(
        "post",
        f"placements/{placement.pk}/follow-ups/3",
        {"still_employed": True, "same_contract": True, "notes": "Tutto bene"},
        {"operator"},
        200,
        lambda: FollowUp.objects.get(placement=placement, months=3).done_on is not None,
    )


def _vacancy_create(cast, world) -> Case:
    return Case(
        "post",
        "vacancies",
        {
            "organisation": world.partner_org.pk,
            "title": "Lavapiatti",
            "comune": world.bologna.pk,
            "contract_type": "determinato",
            "weekly_hours": 20,
            "skills": [],
        },
        {"operator", "partner"},
        201,
        lambda: Vacancy.objects.filter(title="Lavapiatti").exists(),
    )


def _vacancy_close(cast, world) -> Case:
    vacancy = world.vacancy_a
    return Case(
        "patch",
        f"vacancies/{vacancy.pk}",
        {"status": "chiusa"},
        {"operator", "partner"},
        200,
        lambda: Vacancy.objects.get(pk=vacancy.pk).status == "chiusa",
    )


CASES = {
    "screening": _screening,
    "decision": _decision,
    "referral_outcome": _referral_outcome,
    "placement": _placement,
    "follow_up": _follow_up,
    "vacancy_create": _vacancy_create,
    "vacancy_close": _vacancy_close,
}


def _send(api, case: Case):
    return getattr(api, case.method)(case.path, case.body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_write_is_allowed_to_the_roles_of_its_web_page(name, role, cast, world, api_as):
    case = CASES[name](cast, world)
    response = _send(api_as(cast[role], scopes=("read", "write")), case)
    if role in case.allowed:
        assert response.status_code == case.status, response.content
        assert case.changed()
    else:
        assert response.status_code == 403, response.content
        assert response.json() == FORBIDDEN
        assert not case.changed()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_read_token_cannot_write(name, cast, world, api_as):
    case = CASES[name](cast, world)
    role = sorted(case.allowed)[0]
    response = _send(api_as(cast[role], scopes=("read",)), case)
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert response.json()["message"] == "Questo token non ha l'ambito write."
    assert not case.changed()


def test_a_revoked_token_cannot_write(cast, world, api_as):
    from insieme.api.models import ApiToken

    case = _vacancy_close(cast, world)
    api = api_as(cast["operator"], scopes=("read", "write"))
    ApiToken.objects.filter(user=cast["operator"]).update(revoked_at=timezone.now())
    assert _send(api, case).status_code == 401
    assert not case.changed()


# --- 404: what the user may not see -------------------------------------------------------------


def test_partner_changes_only_its_own_organisations_vacancies(cast, world, api_as):
    api = api_as(cast["partner"], scopes=("read", "write"))
    response = api.patch(f"vacancies/{world.vacancy_b.pk}", {"status": "chiusa"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Vacancy.objects.get(pk=world.vacancy_b.pk).status == "aperta"
    # Nor can it enter a vacancy for another organisation, or move its own there.
    created = api.post(
        "vacancies",
        {
            "organisation": world.other_org.pk,
            "title": "Intruso",
            "comune": world.bologna.pk,
            "contract_type": "determinato",
        },
    )
    assert created.status_code == 422
    assert list(created.json()["fields"]) == ["organisation"]
    moved = api.patch(f"vacancies/{world.vacancy_a.pk}", {"organisation": world.other_org.pk})
    assert moved.status_code == 422
    assert Vacancy.objects.get(pk=world.vacancy_a.pk).organisation == world.partner_org


def test_unknown_objects_are_404(cast, world, api_as):
    operator = api_as(cast["operator"], scopes=("read", "write"))
    admin = api_as(cast["admin"], scopes=("read", "write"))
    assert operator.post("referrals/999999/outcome", {"outcome": "assunta"}).status_code == 404
    assert admin.post("applications/999999/screening", {"checks": []}).status_code == 404
    assert admin.post("calls/999999/decision", {}).status_code == 404
    assert operator.patch("vacancies/999999", {"status": "chiusa"}).status_code == 404
    follow_up = _follow_up(cast, world)
    placement_path = follow_up.path.rsplit("/", 1)[0]
    missing_step = operator.post(f"{placement_path}/7", follow_up.body)
    assert missing_step.status_code == 404
    assert missing_step.json()["message"] == "Non trovato."


def test_a_write_never_reaches_what_the_role_does_not_see(cast, world, api_as):
    """The role check comes first, as in the web view: an applicant gets 403 on its own
    application's screening, and no answer tells it whether another application exists."""
    applicant = api_as(cast["applicant"], scopes=("read", "write"))
    own = applicant.post(f"applications/{world.own_application.pk}/screening", {"checks": []})
    other = applicant.post(f"applications/{world.other_application.pk}/screening", {"checks": []})
    missing = applicant.post("applications/999999/screening", {"checks": []})
    assert own.json() == other.json() == missing.json() == FORBIDDEN


# --- 422: the form's checks, with the errors by field -----------------------------------------


def test_screening_needs_a_reason_for_a_requirement_not_met(cast, world, api_as):
    call = make_call("SC-2026")
    application = submitted(call, cast["applicant"])
    first, second = call.eligibility_items.all()
    api = api_as(cast["operator"], scopes=("read", "write"))
    response = api.post(
        f"applications/{application.pk}/screening",
        {"checks": [{"item": first.pk, "met": True}, {"item": second.pk, "met": False}]},
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "Alcuni valori non sono validi: vedi i campi.",
        "message_en": "Some values are not valid: see the fields.",
        "fields": {f"checks.{second.pk}.reason": ["Indica perché il requisito non è soddisfatto."]},
    }
    missing = api.post(
        f"applications/{application.pk}/screening", {"checks": [{"item": first.pk, "met": True}]}
    )
    assert missing.json()["fields"] == {f"checks.{second.pk}.met": ["Questo campo è obbligatorio."]}
    unknown = api.post(
        f"applications/{application.pk}/screening", {"checks": [{"item": 999999, "met": True}]}
    )
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["checks"]
    assert not EligibilityCheck.objects.filter(application=application).exists()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_refused_referral_needs_the_reason(cast, world, api_as):
    api = api_as(cast["operator"], scopes=("read", "write"))
    path = f"referrals/{world.referral_a.pk}/outcome"
    response = api.post(path, {"outcome": "rifiutata"})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "refusal_reason": ["Indica perché la persona ha rifiutato l'offerta."]
    }
    # "proposta" is where a referral starts, not an outcome.
    assert api.post(path, {"outcome": "proposta"}).status_code == 422
    done = api.post(path, {"outcome": "rifiutata", "refusal_reason": "distanza"})
    assert done.status_code == 200
    assert (done.json()["outcome"], done.json()["refusal_reason"]) == ("rifiutata", "distanza")


def test_placement_values_are_checked_like_the_page(cast, world, api_as):
    api = api_as(cast["operator"], scopes=("read", "write"))
    today = timezone.localdate()
    base = {
        "person": world.person_b.pk,
        "employer": world.other_org.pk,
        "contract_type": "determinato",
        "start_date": today.isoformat(),
    }
    ends_before = api.post(
        "placements", {**base, "end_date": (today - datetime.timedelta(days=1)).isoformat()}
    )
    assert ends_before.status_code == 422
    assert ends_before.json()["fields"] == {
        "end_date": ["La data di fine non può precedere la data di inizio."]
    }
    assert list(api.post("placements", {**base, "person": 999999}).json()["fields"]) == ["person"]
    assert list(api.post("placements", {**base, "contract_type": "boh"}).json()["fields"]) == [
        "contract_type"
    ]
    # A referral of another person does not belong here.
    wrong = api.post("placements", {**base, "referral": world.referral_a.pk})
    assert list(wrong.json()["fields"]) == ["referral"]
    too_late = api.post("placements", {**base, "start_date": "9999-12-01"})
    assert list(too_late.json()["fields"]) == ["start_date"]
    assert not Placement.objects.filter(person=world.person_b).exists()


def test_placement_from_a_referral_marks_it_hired_and_plans_the_follow_ups(cast, world, api_as):
    api = api_as(cast["operator"], scopes=("read", "write"))
    response = api.post(
        "placements",
        {
            "person": world.person_a.pk,
            "employer": world.partner_org.pk,
            "contract_type": "tirocinio",
            "start_date": "2026-03-02",
            "referral": world.referral_a.pk,
            "monthly_stipend": "500.00",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("INS-")
    assert [(f["months"], f["due_on"]) for f in body["follow_ups"]] == [
        (3, "2026-06-02"),
        (6, "2026-09-02"),
        (12, "2027-03-02"),
    ]
    world.referral_a.refresh_from_db()
    assert world.referral_a.outcome == ReferralOutcome.HIRED
    # The partner reads the placement (its organisation, a person referred to it), not the
    # follow-ups, which only the operators' pages show.
    seen = api_as(cast["partner"]).get(f"placements/{body['id']}").json()
    assert seen["follow_ups"] is None


def test_vacancy_values_are_checked_like_the_page(cast, world, api_as):
    api = api_as(cast["partner"], scopes=("read", "write"))
    response = api.post(
        "vacancies",
        {
            "organisation": world.partner_org.pk,
            "title": "Cameriere",
            "comune": "999999",
            "contract_type": "determinato",
            "openings": 0,
            "deadline": "2001-01-01",
        },
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"comune", "openings", "deadline"}
    assert fields["openings"] == ["Un'offerta ha almeno un posto."]
    changed = api.patch(f"vacancies/{world.vacancy_a.pk}", {"title": "Cuoco", "openings": 2})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["openings"]) == ("Cuoco", 2)
    vacancy = Vacancy.objects.get(pk=world.vacancy_a.pk)
    # What was not sent is unchanged.
    assert (vacancy.comune, vacancy.contract_type.code, vacancy.status) == (
        world.bologna,
        "determinato",
        "aperta",
    )


# --- 409: the service refuses what the state does not allow ----------------------------------


def test_a_screened_application_cannot_be_screened_again(cast, world, api_as):
    call = make_call("SC-2026")
    application = eligible(call, cast["applicant"], cast["operator"])
    checks = [
        {"item": item.pk, "met": False, "reason": "No"} for item in call.eligibility_items.all()
    ]
    response = api_as(cast["admin"], scopes=("read", "write")).post(
        f"applications/{application.pk}/screening", {"checks": checks}
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "message": "Questa azione non è possibile nello stato attuale (Ammissibile, in valutazione).",
        "message_en": "This action is not possible in the current state (Ammissibile, in valutazione).",
        "fields": {},
    }
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.IN_EVALUATION
    # The checks the refused screening would have written were rolled back.
    assert set(
        EligibilityCheck.objects.filter(application=application).values_list("met", flat=True)
    ) == {True}


def test_the_committee_decides_once(cast, world, api_as):
    call = make_call("DC-2026")
    eligible(call, cast["applicant"], cast["operator"])
    api = api_as(cast["operator"], scopes=("read", "write"))
    early = api.post(f"calls/{call.pk}/decision", {"admitted": []})
    assert early.status_code == 409
    assert early.json()["code"] == "call_open"
    assert early.json()["message"].startswith("La commissione decide solo dopo la chiusura")
    close(call)
    first = api.post(f"calls/{call.pk}/decision", {"admitted": []})
    assert first.status_code == 200
    assert [row["outcome"] for row in first.json()["ranking"]] == ["non_selezionata"]
    again = api.post(f"calls/{call.pk}/decision", {"admitted": []})
    assert again.status_code == 409
    assert again.json()["code"] == "decided"
    assert again.json()["message"] == "La commissione ha già deciso su questo bando."


def test_only_applications_under_evaluation_can_be_admitted(cast, world, api_as):
    call = make_call("DC-2026")
    api = api_as(cast["operator"], scopes=("read", "write"))
    response = api.post(f"calls/{call.pk}/decision", {"admitted": [world.other_application.pk]})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["admitted"]
    assert not Decision.objects.filter(call=call).exists()


# --- the webhooks fire from the services, through the API too ----------------------------------


def test_api_writes_fire_the_webhooks(
    cast,
    world,
    api_as,
    subscribed,
    receiver,
    django_capture_on_commit_callbacks,
):
    api = api_as(cast["operator"], scopes=("read", "write"))
    call = make_call("SC-2026")
    application = submitted(call, cast["applicant"])
    WebhookDelivery.objects.all().delete()
    receiver.received.clear()
    checks = [
        {"item": item.pk, "met": False, "reason": "Sede fuori area"}
        for item in call.eligibility_items.all()
    ]
    with django_capture_on_commit_callbacks(execute=True):
        screened = api.post(f"applications/{application.pk}/screening", {"checks": checks})
        placed = api.post(
            "placements",
            {
                "person": world.person_b.pk,
                "employer": world.other_org.pk,
                "contract_type": "determinato",
                "start_date": timezone.localdate().isoformat(),
            },
        )
    assert screened.json()["status"] == ApplicationStatus.INELIGIBLE
    seen = events(receiver)
    assert [event for event, _data in seen] == [
        "application.outcome_decided",
        "placement.recorded",
    ]
    assert seen[0][1]["application"]["id"] == application.pk
    assert seen[1][1]["placement"]["id"] == placed.json()["id"]


def test_requirements_are_read_with_the_call(cast, world, api_as):
    call = make_call("SC-2026")
    rows = api_as(cast["applicant"]).get(f"calls/{call.pk}/requirements").json()
    assert [r["text"] for r in rows] == ["Sede nella Città metropolitana", "Iscrizione al RUNTS"]
    # An unpublished call is the office's.
    draft = make_call("BZ-2027", published=False)
    assert api_as(cast["applicant"]).get(f"calls/{draft.pk}/requirements").status_code == 404
    assert api_as(cast["admin"]).get(f"calls/{draft.pk}/requirements").status_code == 200


def test_a_body_that_is_not_json_gets_400_in_italian(cast, world, client, api_as):
    api = api_as(cast["operator"], scopes=("read", "write"))
    response = client.post(
        f"/api/v1/referrals/{world.referral_a.pk}/outcome",
        b"{esito: assunta",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.raw}"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed",
        "message": "Il corpo della richiesta non è un JSON valido.",
        "message_en": "The body of the request is not valid JSON.",
        "fields": {},
    }


def test_a_body_that_is_json_but_not_an_object_gets_400_and_changes_nothing(cast, world, api_as):
    """A PATCH of a JSON list was read as a body with no fields: 200, the vacancy "changed"."""
    api = api_as(cast["operator"], scopes=("read", "write"))
    for body in ([1, 2], 7, "chiusa"):
        response = api.client.patch(
            f"/api/v1/vacancies/{world.vacancy_a.pk}",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {api.raw}"},
        )
        assert response.status_code == 400
        assert response.json()["message"] == "Il corpo della richiesta deve essere un oggetto JSON."
    vacancy = Vacancy.objects.get(pk=world.vacancy_a.pk)
    assert (vacancy.title, vacancy.status) == (world.vacancy_a.title, world.vacancy_a.status)
