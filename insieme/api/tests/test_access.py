"""Every endpoint x every role of the cast: a token sees what its user sees, never more."""

import pytest

from insieme.api.tests.support import ROLES
from insieme.employment.models import Referral, Vacancy
from insieme.grants.models import Disbursement, Grant

STAFF = {"operator", "admin"}


def _from_app(queryset_of):
    """The expectation is the owning app's own visible_to (the web pages use the same)."""
    return lambda w, user: set(queryset_of(user).values_list("pk", flat=True))


# resource -> (every object of the world, role -> the objects that role sees)
EXPECTED = {
    "organisations": (
        lambda w: [w.partner_org, w.other_org, w.funder_org, w.other_funder],
        {
            # Not evaluators: the directory would tell them who applied (a blind review).
            **dict.fromkeys(
                ["operator", "admin", "coach"],
                lambda w, u: {
                    o.pk for o in (w.partner_org, w.other_org, w.funder_org, w.other_funder)
                },
            ),
            "partner": lambda w, u: {w.partner_org.pk},
            "funder": lambda w, u: {w.funder_org.pk},
        },
    ),
    "calls": (
        lambda w: [w.published_call, w.draft_call],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.published_call.pk, w.draft_call.pk}),
            **dict.fromkeys(
                ["coach", "evaluator", "funder", "applicant", "partner", "outsider"],
                lambda w, u: {w.published_call.pk},
            ),
        },
    ),
    "applications": (
        lambda w: [w.own_application, w.other_application],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.own_application.pk, w.other_application.pk}),
            "applicant": lambda w, u: {w.own_application.pk},
        },
    ),
    "projects": (
        lambda w: [w.coached_project, w.other_project],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.coached_project.pk, w.other_project.pk}),
            "coach": lambda w, u: {w.coached_project.pk},
        },
    ),
    "grants": (
        lambda w: [w.grant, w.other_grant],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.grant.pk, w.other_grant.pk}),
            "coach": lambda w, u: {w.grant.pk},
            "applicant": _from_app(Grant.objects.visible_to),
        },
    ),
    "disbursements": (
        lambda w: [w.disbursement, w.other_disbursement],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.disbursement.pk, w.other_disbursement.pk}),
            "coach": lambda w, u: {w.disbursement.pk},
            "applicant": lambda w, u: set(
                Disbursement.objects.filter(grant__in=Grant.objects.visible_to(u)).values_list(
                    "pk", flat=True
                )
            ),
        },
    ),
    "vacancies": (
        lambda w: [w.vacancy_a, w.vacancy_b],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.vacancy_a.pk, w.vacancy_b.pk}),
            "partner": lambda w, u: {w.vacancy_a.pk},
        },
    ),
    "referrals": (
        lambda w: [w.referral_a, w.referral_b],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.referral_a.pk, w.referral_b.pk}),
            "partner": lambda w, u: {w.referral_a.pk},
        },
    ),
    "placements": (
        lambda w: [w.placement],
        {
            **dict.fromkeys(STAFF, lambda w, u: {w.placement.pk}),
            # At the partner's own organisation, of a person referred to it (referral_a).
            "partner": lambda w, u: {w.placement.pk},
        },
    ),
}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", sorted(EXPECTED))
def test_lists_and_details_show_what_the_user_sees(resource, role, cast, world, api_as):
    everything, rules = EXPECTED[resource]
    user = cast[role]
    expected = rules.get(role, lambda w, u: set())(world, user)
    api = api_as(user)

    assert _ids(api.get(resource)) == expected
    for obj in everything(world):
        response = api.get(f"{resource}/{obj.pk}")
        assert response.status_code == (200 if obj.pk in expected else 404), (obj, response.content)
        if obj.pk not in expected:
            assert response.json()["code"] == "not_found"
            assert response.json()["message"] == "Non trovato."


def test_partner_never_sees_another_organisations_vacancies_or_candidates(cast, world, api_as):
    api = api_as(cast["partner"])
    assert world.vacancy_b.pk not in _ids(api.get("vacancies"))
    assert world.referral_b.pk not in _ids(api.get("referrals"))
    assert api.get(f"vacancies/{world.vacancy_b.pk}").status_code == 404
    assert api.get(f"referrals/{world.referral_b.pk}").status_code == 404
    assert api.get("vacancies", organisation=world.other_org.pk).json()["count"] == 0


def test_partner_reads_its_own_vacancies_and_referrals_as_the_web_does(cast, world, api_as):
    partner = cast["partner"]
    api = api_as(partner)
    web_vacancies = set(Vacancy.objects.visible_to(partner).values_list("pk", flat=True))
    assert _ids(api.get("vacancies")) == web_vacancies
    referrals = api.get("referrals").json()["results"]
    assert {r["id"] for r in referrals} == set(
        Referral.objects.visible_to(partner).values_list("pk", flat=True)
    )
    for row in referrals:
        assert row["vacancy"] in web_vacancies


@pytest.mark.parametrize("role", ROLES)
def test_people_are_for_operators_only(role, cast, world, api_as):
    api = api_as(cast[role])
    response = api.get("people")
    detail = api.get(f"people/{world.person_a.pk}")
    if role in STAFF:
        assert _ids(response) == {world.person_a.pk, world.person_b.pk}
        assert detail.json()["fiscal_code"] == "RSSMRA80A01A944I"
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert detail.status_code == 403


def test_applicant_never_sees_anothers_grant(cast, world, api_as):
    api = api_as(cast["applicant"])
    assert world.other_grant.pk not in _ids(api.get("grants"))
    assert world.other_disbursement.pk not in _ids(api.get("disbursements"))


def test_missing_objects_are_404_for_everyone(cast, world, api_as):
    api = api_as(cast["admin"])
    for resource in [*EXPECTED, "people"]:
        response = api.get(f"{resource}/999999")
        assert response.status_code == 404
        assert response.json()["message_en"] == "Not found."


@pytest.mark.parametrize("role", ROLES)
def test_figures_by_role(role, cast, world, api_as):
    response = api_as(cast[role]).get("figures")
    if role in STAFF or role == "funder":
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.json()["message"] == "Il tuo ruolo non consente questa azione."


def test_partner_reads_a_candidates_name_only_while_the_cv_consent_is_in_force(cast, world, api_as):
    """As the vacancy page: each read of a named candidate is recorded; after the consent is
    withdrawn the partner still sees the referral, without the name, and nothing is recorded."""
    from auditlog.models import LogEntry

    from insieme.people import services as people_services
    from insieme.people.models import ConsentPurpose

    partner = cast["partner"]
    api = api_as(partner)
    reads = LogEntry.objects.get_for_object(world.person_a).filter(actor=partner)
    (row,) = api.get("referrals").json()["results"]
    assert row["candidate"] == {
        "id": world.person_a.pk,
        "last_name": "Rossi",
        "first_name": "Maria",
        "shares_cv": True,
    }
    assert reads.count() == 1
    consent = world.person_a.consents.in_force().get(purpose=ConsentPurpose.CV_SHARING)
    people_services.withdraw_consent(consent=consent, by=cast["operator"])
    detail = api.get(f"referrals/{world.referral_a.pk}").json()
    assert detail["candidate"] == {
        "id": world.person_a.pk,
        "last_name": None,
        "first_name": None,
        "shares_cv": False,
    }
    assert reads.count() == 1
    # The office still sees whom it proposed.
    operator_row = api_as(cast["operator"]).get(f"referrals/{world.referral_a.pk}").json()
    assert operator_row["candidate"]["last_name"] == "Rossi"
