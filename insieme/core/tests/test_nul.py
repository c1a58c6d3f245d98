import pytest
from django.urls import reverse

from insieme.people.models import Person


@pytest.mark.django_db
def test_a_nul_in_a_search_is_refused_with_its_field_and_nothing_runs(client_as, operator):
    response = client_as(operator).get(reverse("people:list"), {"q": "Ros\x00si"})
    assert response.status_code == 400
    assert "Un testo del modulo contiene un carattere invisibile non ammesso (NUL)" in response.text


@pytest.mark.django_db
def test_a_nul_in_a_form_writes_nothing(client_as, operator):
    before = Person.objects.count()
    response = client_as(operator).post(reverse("people:create"), {"last_name": "Ro\x00ssi"})
    assert response.status_code == 400
    assert Person.objects.count() == before
