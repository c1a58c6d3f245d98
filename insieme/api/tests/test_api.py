"""What every endpoint shares (pagination, ETags, errors, rate limit, OpenAPI, documentation)
and the figures endpoint."""

import datetime

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.api import api as ninja_api
from insieme.api.schemas import NO_NUL
from insieme.calls.models import Line
from insieme.core.models import Comune, ContractType
from insieme.employment.models import Vacancy
from insieme.impact.figures import Filters, compute


def test_pagination_is_stable_and_linked(cast, world, api_as):
    api = api_as(cast["operator"])
    first = api.get("organisations", page_size=3).json()
    assert (first["count"], first["pages"], first["page"]) == (4, 2, 1)
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert "page_size=3" in first["next"]
    second = api.get("organisations", page_size=3, page=2).json()
    assert second["next"] is None
    ids = [o["id"] for o in first["results"] + second["results"]]
    assert len(set(ids)) == 4
    again = api.get("organisations", page_size=3).json()
    assert [o["id"] for o in again["results"]] == [o["id"] for o in first["results"]]


def test_page_beyond_the_last_is_404_in_italian(cast, world, api_as):
    response = api_as(cast["operator"]).get("organisations", page=9)
    assert response.status_code == 404
    assert response.json() == {
        "code": "page_not_found",
        "message": "La pagina 9 non esiste: l'ultima pagina è la 1.",
        "message_en": "Page 9 does not exist: the last page is 1.",
        "fields": {},
    }


def test_invalid_parameters_get_field_errors(cast, world, api_as):
    response = api_as(cast["operator"]).get("vacancies", status="boh", page_size=1000)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Alcuni valori non sono validi: vedi i campi."
    assert body["fields"] == {
        "status": ["Inserisci un valore valido."],
        "page_size": ["Inserisci un valore valido."],
    }


def test_filters(cast, world, api_as):
    api = api_as(cast["operator"])
    partners = api.get("organisations", role="finanziatore").json()["results"]
    assert {o["name"] for o in partners} == {"Fondazione San Petronio", "Fondazione Altra"}
    assert api.get("vacancies", organisation=world.partner_org.pk).json()["count"] == 1
    assert api.get("calls", line="autoimpiego").json()["results"][0]["code"] == "AI-2027"
    assert api.get("grants", funder=world.funder_org.pk).json()["results"][0]["code"] == "CON-1"
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=2)).isoformat()
    assert api.get("disbursements", paid_from=tomorrow).json()["count"] == 0
    # A period that ends before it starts is empty (not an error: the schema cannot say so).
    assert (
        api.get("disbursements", paid_from=tomorrow, paid_to=today.isoformat()).json()["count"] == 0
    )
    assert api.get("disbursements", paid_to=today.isoformat()).json()["count"] == 2


def test_etag_and_not_modified(cast, world, api_as):
    api = api_as(cast["operator"])
    response = api.get("vacancies")
    etag = response["ETag"]
    assert etag
    unchanged = api.get("vacancies", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    Vacancy.objects.create(
        organisation=world.other_org,
        title="Barista",
        comune=Comune.objects.get(name="Bologna"),
        contract_type=ContractType.objects.get(code="determinato"),
    )
    changed = api.get("vacancies", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_list_query_count_does_not_grow_with_rows(cast, world, api_as):
    api = api_as(cast["operator"])
    api.get("referrals")  # the token's last-used time is written once
    with CaptureQueriesContext(connection) as few:
        api.get("vacancies")
        api.get("referrals")
    bologna = Comune.objects.get(name="Bologna")
    contract = ContractType.objects.get(code="determinato")
    for n in range(8):
        Vacancy.objects.create(
            organisation=world.other_org, title=f"V{n}", comune=bologna, contract_type=contract
        )
    with CaptureQueriesContext(connection) as many:
        api.get("vacancies")
        api.get("referrals")
    assert len(many) == len(few)


@override_settings(API_RATE_LIMIT="3/m")
def test_rate_limit_per_token(cast, world, api_as):
    api = api_as(cast["operator"])
    for _ in range(3):
        assert api.get("me").status_code == 200
    limited = api.get("me")
    assert limited.status_code == 429
    assert limited.json()["message"] == "Troppe richieste: attendi e riprova."
    assert int(limited["Retry-After"]) > 0
    # Another token of another user has its own budget.
    assert api_as(cast["admin"]).get("me").status_code == 200


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert {"/api/v1/figures", "/api/v1/vacancies", "/api/v1/referrals"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_documentation_page(client, client_as, partner):
    url = reverse("api:docs")
    assert client.get(url).status_code == 302
    response = client_as(partner).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Documentazione API" in page
    assert "/api/v1/vacancies/{vacancy_id}" in page
    # In Italian: how to create a token and send it, and the body of the writes.
    assert "Per iniziare, in quattro passi" in page
    assert "Authorization: Bearer</code> seguita dal token" in page
    assert "Il token di un partner vede solo le offerte della propria organizzazione." in page
    assert "Campo del corpo JSON" in page
    assert "Il codice ISTAT del comune del luogo di lavoro." in page
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]


# --- figures ------------------------------------------------------------------------------------


def test_figures_are_the_impact_report(cast, world, api_as):
    api = api_as(cast["operator"])
    assert api.get("figures").json() == compute(Filters())
    response = api.get(
        "figures", **{"from": "2024-01-01", "to": "2030-12-31", "line": "innovazione_sociale"}
    )
    expected = compute(
        Filters(
            date_from=datetime.date(2024, 1, 1),
            date_to=datetime.date(2030, 12, 31),
            line=Line.SOCIAL_INNOVATION,
        )
    )
    assert response.json() == expected
    assert expected["period"] == {"from": "2024-01-01", "to": "2030-12-31"}
    assert expected["projects"]["grants_awarded_eur"] == "13000.00"


def test_figures_filters_by_funder_fund_and_territory(cast, world, api_as):
    api = api_as(cast["admin"])
    scoped = api.get("figures", funder=world.funder_org.pk).json()
    assert scoped == compute(Filters(funder=world.funder_org.pk))
    assert scoped["projects"]["grants_awarded_eur"] == "5000.00"
    district = Comune.objects.get(name="Bologna").district_id
    assert api.get("figures", district=district, decentralised="false").json() == compute(
        Filters(district=district, decentralised=False)
    )


def test_funder_sees_only_its_scope(cast, world, api_as):
    api = api_as(cast["funder"])
    body = api.get("figures").json()
    assert body["projects"] == compute(Filters(funder=world.funder_org.pk))["projects"]
    assert body["projects"]["grants_awarded_eur"] == "5000.00"
    assert body["projects"]["grants_disbursed_eur"] == "2500.00"
    assert body["employment"] is None
    assert all(row["people"] is None and row["placements"] is None for row in body["territory"])
    other = api.get("figures", funder=world.other_funder.pk)
    assert other.status_code == 403
    assert other.json()["message"] == "Un finanziatore vede solo i dati dei propri fondi."


def test_funder_not_linked_to_an_organisation_gets_403(cast, api_as):
    assert api_as(cast["funder"]).get("figures").status_code == 403


def test_figures_reject_what_is_not_a_date(cast, api_as):
    response = api_as(cast["operator"]).get("figures", **{"from": "01/02/2025", "to": "0"})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "from": ["Inserisci un valore valido."],
        "to": ["Inserisci un valore valido."],
    }


def test_datetime_filters_accept_any_offset_and_refuse_nonsense(cast, world, api_as):
    api = api_as(cast["operator"])
    far = api.get("people", updated_since="0512-03-05T15:08:55+18:19")
    assert far.status_code == 200
    assert far.json()["count"] == 2
    assert api.get("people", updated_since="2999-01-01T00:00:00").json()["count"] == 0
    assert api.get("people", updated_since="0001-01-01T00:00:00+01:00").status_code == 422
    assert api.get("people", updated_since="ieri").status_code == 422


def test_text_with_a_nul_character_is_refused_as_the_document_says(cast, api_as):
    # PostgreSQL cannot store NUL: the pattern refuses it, and the OpenAPI document declares
    # the same pattern, so a client (or schemathesis) knows before sending.
    response = api_as(cast["operator"]).get("people", residence_comune="037\x00006")
    assert response.status_code == 422
    assert response.json()["fields"] == {"residence_comune": ["Inserisci un valore valido."]}
    document = ninja_api.get_openapi_schema(path_prefix="/api/v1")
    parameters = document["paths"]["/api/v1/people"]["get"]["parameters"]
    (comune,) = [p for p in parameters if p["name"] == "residence_comune"]
    assert {"type": "string", "maxLength": 200, "pattern": NO_NUL} in comune["schema"]["anyOf"]
