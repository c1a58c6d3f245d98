import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_user, totp_code
from insieme.accounts.models import Role, User

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password}, follow=True)


def test_applicant_logs_in_with_email_and_sees_their_home(client, applicant):
    response = login(client, applicant.email)
    html = response.content.decode()
    assert response.wsgi_request.user == applicant
    assert "Ti diamo il benvenuto, Anna" in html  # inclusive: not "Benvenuto"
    assert "Candidato" in html


def test_wrong_password_gets_an_italian_message(client, applicant):
    response = login(client, applicant.email, "sbagliata")
    html = response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert "non sono corretti" in html


def test_staff_login_asks_for_the_one_time_code(client, operator):
    response = login(client, operator.email)
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert not response.wsgi_request.user.is_authenticated
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"}, follow=True)
    assert not response.wsgi_request.user.is_authenticated
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, follow=True)
    assert response.wsgi_request.user == operator
    assert response.redirect_chain[-1][0] == reverse("home")


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.COACH, Role.EVALUATOR, Role.FUNDER, Role.ADMIN]
)
def test_staff_without_a_second_factor_must_activate_it(client, role):
    user = make_user("nuovo@example.org", role, mfa=False)
    response = login(client, user.email)
    # allauth asks for the password once more before adding an authenticator
    assert response.redirect_chain[1][0] == reverse("mfa_activate_totp")
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "autenticazione a due fattori" in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200
    # every other page leads back there until the second factor is active
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PARTNER])
def test_mfa_is_optional_for_applicants_and_partners(client, role):
    user = make_user("esterno@example.org", role, mfa=False)
    response = login(client, user.email)
    assert response.wsgi_request.user == user
    assert client.get(reverse("home")).status_code == 200


def test_staff_cannot_switch_off_their_authenticator(client_as, operator):
    from allauth.mfa.models import Authenticator

    client = client_as(operator)
    client.post(reverse("mfa_deactivate_totp"), {"code": totp_code()})
    assert Authenticator.objects.filter(user=operator, type="totp").exists()


def test_repeated_failed_logins_are_rate_limited(client, applicant):
    for _ in range(5):
        login(client, applicant.email, "sbagliata")
    response = login(client, applicant.email, PASSWORD)
    assert not response.wsgi_request.user.is_authenticated
    assert "Troppi tentativi di accesso" in response.content.decode()


def test_logout(client, applicant):
    login(client, applicant.email)
    response = client.post(reverse("account_logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated


def test_session_expires_after_idle_time(client, applicant):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, applicant.email)
        assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        traveller.shift(25 * 60)
        assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        traveller.shift(25 * 60)  # activity 25 minutes ago keeps the session alive
        assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        traveller.shift(31 * 60)
        assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_session_is_written_at_most_once_a_minute(client, applicant):
    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        return sum("django_session" in q["sql"] and "SELECT" not in q["sql"] for q in queries)

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, applicant.email)
        assert session_writes() == 0  # logging in has just saved it
        traveller.shift(30)
        assert session_writes() == 0
        traveller.shift(31)
        assert session_writes() == 1


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<ul class="navbar-nav">(.*?)</ul>', html, re.S)
    return re.findall(r"<span>([^<]+)</span>", nav.group(1)) if nav else []


def test_navigation_depends_on_role(client_as, cast):
    admin_nav = nav_labels(client_as(cast["admin"]).get("/").content.decode())
    assert "Utenti" in admin_nav
    assert "Amministrazione" in admin_nav
    for name in ("operator", "coach", "evaluator", "funder", "applicant", "partner", "outsider"):
        labels = nav_labels(client_as(cast[name]).get("/").content.decode())
        assert "Utenti" not in labels, name
        assert "Amministrazione" not in labels, name


def test_each_role_has_a_home_page(client_as, cast):
    for name, user in cast.items():
        response = client_as(user).get("/")
        assert response.status_code == 200, name
    html = client_as(cast["outsider"]).get("/").content.decode()
    assert "non ha ancora un ruolo" in html


def test_administrator_invites_a_user(client_as, admin_user, django_capture_on_commit_callbacks):
    client = client_as(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"),
            {
                "email": "Nuova.Coach@Example.org",
                "first_name": "Nadia",
                "last_name": "Costa",
                "roles": [Role.COACH.value, Role.EVALUATOR.value],
            },
            follow=True,
        )
    assert "Invito inviato a nuova.coach@example.org" in response.content.decode()
    user = User.objects.get(email="nuova.coach@example.org")
    assert user.roles == {Role.COACH, Role.EVALUATOR}
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nuova.coach@example.org"]
    link = re.search(r"http://\S+", message.body).group(0)
    assert "/accounts/password/reset/key/" in link
    entry = LogEntry.objects.get(object_pk=str(user.pk), additional_data__event="invited")
    assert entry.actor == admin_user

    # the invited person chooses a password through the link and can log in
    client.logout()
    path = link.removeprefix("http://127.0.0.1:8000")
    page = client.get(path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    client.post(
        form_url, {"password1": "Una-nuova-password-77", "password2": "Una-nuova-password-77"}
    )
    user.refresh_from_db()
    assert user.check_password("Una-nuova-password-77")


def test_invite_refuses_an_existing_address_in_italian(client_as, admin_user, operator):
    response = client_as(admin_user).post(
        reverse("accounts:invite"),
        {"email": operator.email.upper(), "first_name": "X", "last_name": "Y", "roles": ["coach"]},
    )
    assert response.status_code == 200
    assert "Esiste già un utente con l&#x27;indirizzo e-mail" in response.content.decode()
    response = client_as(admin_user).post(
        reverse("accounts:invite"), {"email": "a@example.org", "first_name": "X", "last_name": "Y"}
    )
    assert "Scegli almeno un ruolo." in response.content.decode()


@pytest.mark.parametrize(
    "name", ["operator", "coach", "evaluator", "funder", "applicant", "partner", "outsider"]
)
def test_only_administrators_manage_users(client_as, cast, name):
    client = client_as(cast[name])
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:invite")).status_code == 403
    assert (
        client.post(reverse("accounts:toggle_active", args=[cast["operator"].pk])).status_code
        == 403
    )


def test_user_management_requires_login(client, db):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_administrator_deactivates_a_user(client_as, admin_user, operator):
    client = client_as(admin_user)
    client.post(reverse("accounts:toggle_active", args=[operator.pk]))
    operator.refresh_from_db()
    assert not operator.is_active
    assert LogEntry.objects.filter(object_pk=str(operator.pk), actor=admin_user).exists()


def test_user_list_query_count_does_not_grow(client_as, admin_user, django_assert_max_num_queries):
    client = client_as(admin_user)
    for i in range(3):
        make_user(f"u{i}@example.org", Role.COACH)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("accounts:user_list"))
    for i in range(3, 30):
        make_user(f"u{i}@example.org", Role.COACH, Role.EVALUATOR)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("accounts:user_list"))
