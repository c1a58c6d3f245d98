"""Personal tokens: the page, the command, and what the API does with each kind of token."""

import datetime
import hashlib

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insieme.api.models import ApiToken
from insieme.api.services import create_token, revoke_token

from .conftest import ApiClient


def test_page_requires_login(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_account_without_role_gets_403(client_as, outsider):
    assert client_as(outsider).get(reverse("api:tokens")).status_code == 403


def test_create_token_shows_it_once_and_stores_only_a_hash(client_as, partner):
    client = client_as(partner)
    response = client.post(
        reverse("api:tokens"), {"name": "Gestionale HR", "scopes": ["read"]}, follow=True
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("ins_")
    assert "copialo ora" in response.content.decode()
    token = ApiToken.objects.get(user=partner)
    assert token.scopes == ["read"]
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    # Never shown again.
    assert raw not in client.get(reverse("api:tokens")).content.decode()
    # And it works.
    assert ApiClient(client, raw).get("me").json()["email"] == "partner@example.org"


def test_bad_input_gets_italian_messages(client_as, partner):
    response = client_as(partner).post(
        reverse("api:tokens"), {"name": "", "expires_on": "2000-01-01"}
    )
    page = response.content.decode()
    assert "Scegli almeno un ambito." in page
    assert "La data di scadenza deve essere nel futuro." in page
    assert not ApiToken.objects.exists()


def test_revoke_and_the_token_is_refused(client_as, partner):
    client = client_as(partner)
    token, raw = create_token(user=partner, name="x", scopes=["read"], by=partner)
    response = client.post(reverse("api:revoke", args=[token.pk]), follow=True)
    assert "Token “x” revocato." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = ApiClient(client, raw).get("me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    assert refused.json()["message"] == "Questo token API è stato revocato."


def test_revoke_with_htmx_returns_the_rows(client_as, partner):
    token, _raw = create_token(user=partner, name="x", scopes=["read"], by=partner)
    response = client_as(partner).post(
        reverse("api:revoke", args=[token.pk]), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<tr>" in page
    assert "revocato" in page
    assert "<html" not in page


def test_cannot_revoke_someone_elses_token(client_as, partner, operator):
    token, _raw = create_token(user=operator, name="x", scopes=["read"], by=operator)
    response = client_as(partner).post(reverse("api:revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_query_count_does_not_grow(client_as, partner):
    client = client_as(partner)
    create_token(user=partner, name="a", scopes=["read"], by=partner)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api:tokens"))
    for n in range(10):
        create_token(user=partner, name=f"t{n}", scopes=["read", "write"], by=partner)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("api:tokens"))
    assert len(many) == len(few)


def test_expired_token_is_refused(client, partner):
    _token, raw = create_token(
        user=partner,
        name="x",
        scopes=["read"],
        expires_at=timezone.now() + datetime.timedelta(days=1),
        by=partner,
    )
    api = ApiClient(client, raw)
    assert api.get("me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = api.get("me")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_unknown_or_malformed_tokens_are_refused(client, partner):
    _token, raw = create_token(user=partner, name="x", scopes=["read"], by=partner)
    for bad in ["", "nonsense", raw[:-2] + "xx", "ins_00000000_abc"]:
        response = ApiClient(client, bad).get("me")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/v1/me").status_code == 401


def test_browser_session_is_not_an_api_credential(client_as, operator):
    assert client_as(operator).get("/api/v1/me").status_code == 401


def test_staff_token_stops_working_without_a_second_factor(client, operator):
    _token, raw = create_token(user=operator, name="x", scopes=["read"], by=operator)
    Authenticator.objects.filter(user=operator).delete()
    response = ApiClient(client, raw).get("me")
    assert response.status_code == 401
    assert response.json()["code"] == "account_not_usable"


def test_deactivated_user_token_is_refused(client, partner):
    _token, raw = create_token(user=partner, name="x", scopes=["read"], by=partner)
    partner.is_active = False
    partner.save()
    assert ApiClient(client, raw).get("me").status_code == 401


def test_last_used_is_recorded(client, partner):
    token, raw = create_token(user=partner, name="x", scopes=["read"], by=partner)
    ApiClient(client, raw).get("me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_command_prints_a_working_token(client, operator, capsys):
    call_command("api_token", "OPERATRICE@example.org", "--scope", "write", "--name", "Regione")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=operator)
    assert (token.name, token.scopes) == ("Regione", ["write"])
    assert token.matches(raw)


def test_command_default_scope_is_read(operator, capsys):
    call_command("api_token", "operatrice@example.org")
    assert ApiToken.objects.get(user=operator).scopes == ["read"]


def test_command_unknown_user_fails(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "nessuno@example.org")


def test_read_scope_cannot_write_and_write_scope_cannot_read(client, cast, world):
    applicant = cast["applicant"]
    _t, read_only = create_token(user=applicant, name="r", scopes=["read"], by=applicant)
    _t, write_only = create_token(user=applicant, name="w", scopes=["write"], by=applicant)
    url = f"applications/{world.own_application.pk}/withdraw"
    response = ApiClient(client, read_only).post(url)
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert response.json()["message"] == "Questo token non ha l'ambito write."
    response = ApiClient(client, write_only).get("applications")
    assert response.status_code == 403
    assert response.json()["message_en"] == "This token does not have the read scope."


@pytest.mark.parametrize("role", ["operator", "partner", "funder", "applicant"])
def test_menu_leads_to_the_token_page(role, cast, client_as):
    page = client_as(cast[role]).get(reverse("api:docs")).content.decode()
    assert f'href="{reverse("api:tokens")}"' in page


def test_tokens_are_created_and_revoked_only_by_their_own_account(partner, operator, outsider):
    with pytest.raises(PermissionDenied):
        create_token(user=partner, name="x", scopes=["read"], by=operator)
    with pytest.raises(PermissionDenied):
        create_token(user=outsider, name="x", scopes=["read"], by=outsider)
    token, _raw = create_token(user=partner, name="x", scopes=["read"], by=partner)
    with pytest.raises(PermissionDenied):
        revoke_token(token, by=operator)
    token.refresh_from_db()
    assert token.revoked_at is None
