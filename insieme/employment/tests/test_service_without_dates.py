"""A service may be entered without dates (found by the authorization matrix, tests/security:
an empty form gave a server error instead of its messages)."""

from django.urls import reverse

from insieme.employment.models import Service


def test_a_service_without_dates_is_created_and_an_empty_form_shows_its_errors(
    client_as, operator, db
):
    client = client_as(operator)
    url = reverse("employment:service_list")

    empty = client.post(url, {})

    assert empty.status_code == 200
    assert "Questo campo è obbligatorio." in empty.content.decode()
    created = client.post(url, {"kind": "formazione", "title": "Corso di italiano"})
    assert created.status_code == 302
    assert Service.objects.get().start_date is None
