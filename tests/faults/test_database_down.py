"""While the database does not answer, pages are a 503 to retry, not a 500."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "logged_in"), [("/bandi/", False), ("/persone/", True)])
def test_a_page_asks_to_retry_while_the_database_is_down(path, logged_in, operator):
    client = Client(raise_request_exception=False)
    if logged_in:  # then the session itself cannot be read
        client.force_login(operator)
    down = OperationalError("connection refused: the database system is starting up")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Servizio momentaneamente non disponibile" in response.content.decode()


def test_other_errors_stay_a_500():
    client = Client(raise_request_exception=False)
    with mock.patch("insieme.core.views.render", side_effect=ValueError("bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Qualcosa è andato storto" in response.content.decode()
