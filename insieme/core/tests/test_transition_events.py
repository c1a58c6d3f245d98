"""Every move along a workflow is an event named after its transition (`core.rules.transition`)."""

import pytest
from django.core.exceptions import ValidationError

from insieme.core import events, rules
from insieme.core.models import Event
from insieme.employment import services
from insieme.employment.models import Vacancy, VacancyStatus
from insieme.employment.tests import factories


@pytest.fixture
def heard():
    seen: list[Event] = []
    events.subscribe("vacancy.close", seen.append, name="test-heard")
    yield seen
    events.unsubscribe("vacancy.close", name="test-heard")


def test_a_transition_is_an_event_with_the_object_and_the_states(
    operator, heard, django_capture_on_commit_callbacks
):
    vacancy = factories.vacancy()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_vacancy(vacancy=vacancy, status=VacancyStatus.CLOSED, by=operator)

    event = Event.objects.get(name="vacancy.close")
    assert event.payload == {
        "object": {"model": "employment.vacancy", "id": vacancy.pk},
        "from": VacancyStatus.OPEN.value,
        "to": VacancyStatus.CLOSED.value,
    }
    assert event.object_id == str(vacancy.pk)
    assert event.actor_id == operator.pk
    # Delivered after the commit, to its subscribers.
    assert [e.pk for e in heard] == [event.pk]


def test_a_refused_transition_records_no_event(operator):
    vacancy = factories.vacancy()
    services.save_vacancy(vacancy=vacancy, status=VacancyStatus.CLOSED, by=operator)
    vacancy = Vacancy.objects.get(pk=vacancy.pk)
    with pytest.raises(ValidationError):
        rules.transition(vacancy, "vacancy.close", by=operator)
    assert Event.objects.filter(name="vacancy.close").count() == 1
