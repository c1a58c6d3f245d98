import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from auditlog.models import LogEntry
from django.db import DatabaseError
from django.urls import reverse

from insieme.core.audit import history, log_access
from insieme.core.models import Comune, ContractType, District, Sector

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    class DownDatabase:
        def cursor(self):
            raise DatabaseError("server closed the connection")

    # the database server is the outside world here: the view sees it go away
    monkeypatch.setattr("insieme.core.views.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"PYTEST_VERSION", "DEBUG", "PYTEST_XDIST_WORKER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="insieme.example.org",
        DEBUG="0",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'check.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SECRET_KEY", "DEBUG"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_reference_data_is_shipped(db):
    assert Comune.objects.count() > 7800
    metropolitan = Comune.objects.metropolitan()
    assert metropolitan.count() == 55
    assert District.objects.count() == 7
    bologna = Comune.objects.get(istat_code="037006")
    assert bologna.name == "Bologna"
    assert bologna.district.name == "Città di Bologna"
    assert not bologna.decentralised
    assert metropolitan.filter(decentralised=True).count() == 54
    assert not metropolitan.filter(district__isnull=True).exists()
    # Any Italian comune may appear, outside the metropolitan city too.
    milano = Comune.objects.get(istat_code="015146")
    assert milano.district is None
    assert not milano.decentralised
    assert set(Sector.objects.values_list("code", flat=True)) == {
        "welfare_comunita",
        "food_etico",
        "moda_etica",
        "agricoltura_sociale",
        "sport_cultura_rigenerazione",
        "altro",
    }
    assert ContractType.objects.filter(code=ContractType.TRAINEESHIP).exists()
    assert ContractType.objects.count() == 9


def test_reloading_reference_data_keeps_an_administrators_classification(db):
    from django.core.management import call_command

    Comune.objects.filter(istat_code="037006").update(decentralised=True)
    call_command("load_reference_data", stdout=io.StringIO())
    assert Comune.objects.get(istat_code="037006").decentralised


def test_pages_carry_a_content_security_policy_and_no_inline_scripts(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>", html)
    assert scripts, "the page loads its scripts"
    assert all("src=" in attrs for attrs in scripts), scripts


def test_public_pages_are_in_italian_with_skip_link_and_footer_links(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="it">' in html
    assert "Vai al contenuto principale" in html
    assert reverse("privacy") in html
    assert reverse("accessibility") in html
    assert "Informativa sulla privacy" in html
    assert "Dichiarazione di accessibilità" in html
    for url in (reverse("privacy"), reverse("accessibility")):
        assert client.get(url).status_code == 200


def test_language_switch_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html


def test_not_found_page_is_italian(client, db):
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_access_log_and_change_history(db, operator, admin_user):
    log_access(admin_user, by=operator, what="special-category data")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == operator
    assert entry.additional_data == {"what": "special-category data"}
    assert history(admin_user).filter(action=LogEntry.Action.ACCESS).count() == 1


def test_audit_rows_cannot_be_edited_in_the_admin(client_as, admin_user, operator):
    log_access(operator, by=admin_user)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    client = client_as(admin_user)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    response = client.post(
        reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"changes": '{"x": [1, 2]}'}
    )
    assert response.status_code == 403
    assert LogEntry.objects.get(pk=entry.pk).changes == entry.changes
    assert (
        client.post(
            reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_forbidden_page_is_italian(client_as, outsider):
    response = client_as(outsider).get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "Accesso negato" in response.content.decode()


def test_server_error_page_is_italian(rf, db):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Qualcosa è andato storto" in html
    assert "Nulla è stato salvato a metà" in html
