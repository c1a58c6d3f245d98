"""E-mailing a vacancy to a person needs their consent to be contacted for job offers."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from insieme.employment import matching, services
from insieme.employment.models import RegistrationStatus
from insieme.employment.tests import factories
from insieme.people import services as people_services
from insieme.people.models import ConsentChannel, ConsentPurpose


@pytest.fixture
def candidate(db):
    person = factories.person("Vicini", "Vera", home="Bologna", available_hours=40)
    factories.registration(person, status=RegistrationStatus.ACTIVE)
    factories.profile(person, skills=["cucina"])
    return person


def agree_to_job_offers(person, by=None):
    return people_services.record_consent(
        person=person,
        purpose=ConsentPurpose.JOB_OFFERS,
        notice_version="v1",
        given_on=datetime.date(2024, 1, 1),
        channel=ConsentChannel.PAPER,
        by=by,
    )


def test_without_the_consent_nothing_is_sent(
    candidate, operator, django_capture_on_commit_callbacks
):
    kitchen = factories.vacancy(skills=["cucina"])
    # The CV-sharing consent (given at sign-up) does not cover being contacted for offers.
    assert candidate.consents.in_force().filter(purpose=ConsentPurpose.CV_SHARING).exists()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.send_vacancy(vacancy=kitchen, person=candidate, by=operator)
    assert error.value.code == "no_consent"
    assert mail.outbox == []
    assert not LogEntry.objects.filter(additional_data__event="vacancy_sent").exists()


def test_with_the_consent_the_vacancy_is_e_mailed_and_logged(
    client_as, candidate, operator, django_capture_on_commit_callbacks
):
    agree_to_job_offers(candidate)
    kitchen = factories.vacancy(skills=["cucina"], title="Aiuto cuoco")
    url = reverse("employment:send_vacancy", args=[kitchen.pk, candidate.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(operator).post(url, {"da": "persona"}, follow=True)
    assert "L&#x27;offerta è stata inviata per e-mail a Vicini Vera" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("employment:person", args=[candidate.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [candidate.email]
    assert "Aiuto cuoco" in message.subject
    assert "Aiuto cuoco" in message.body
    assert "hai acconsentito al contatto per offerte di lavoro" in message.body
    entry = LogEntry.objects.get(additional_data__event="vacancy_sent")
    assert entry.actor == operator
    assert entry.additional_data["vacancy"] == kitchen.pk


def test_a_withdrawn_consent_stops_the_messages_with_an_italian_message(
    client_as, candidate, operator, django_capture_on_commit_callbacks
):
    consent = agree_to_job_offers(candidate)
    people_services.withdraw_consent(consent=consent, by=operator)
    kitchen = factories.vacancy(skills=["cucina"])
    url = reverse("employment:send_vacancy", args=[kitchen.pk, candidate.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(operator).post(url, follow=True)
    html = response.content.decode()
    assert "non ha dato il consenso per: Contatto per offerte di lavoro" in html
    assert response.redirect_chain[-1][0] == reverse("employment:vacancy", args=[kitchen.pk])
    assert mail.outbox == []


def test_no_address_or_a_closed_vacancy_are_refused(candidate, operator):
    agree_to_job_offers(candidate)
    closed = factories.vacancy(status="chiusa")
    with pytest.raises(ValidationError, match="non è più aperta"):
        services.send_vacancy(vacancy=closed, person=candidate, by=operator)
    candidate.email = ""
    candidate.save()
    with pytest.raises(ValidationError, match="non ha un indirizzo e-mail"):
        services.send_vacancy(vacancy=factories.vacancy(), person=candidate, by=operator)


def test_suggestions_say_who_may_be_contacted(client_as, candidate, operator):
    kitchen = factories.vacancy(skills=["cucina"])
    url = reverse("employment:vacancy", args=[kitchen.pk])
    send = reverse("employment:send_vacancy", args=[kitchen.pk, candidate.pk])
    assert [m.contactable for m in matching.candidates_for(kitchen)] == [False]
    html = client_as(operator).get(url).content.decode()
    assert send not in html
    assert "Nessun consenso al contatto per offerte di lavoro" in html
    consent = agree_to_job_offers(candidate)
    assert [m.contactable for m in matching.candidates_for(kitchen)] == [True]
    assert [m.contactable for m in matching.vacancies_for(candidate)] == [True]
    assert send in client_as(operator).get(url).content.decode()
    person_page = reverse("employment:person", args=[candidate.pk])
    assert send in client_as(operator).get(person_page).content.decode()
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert send not in client_as(operator).get(person_page).content.decode()


@pytest.mark.parametrize("role", ["partner", "coach", "applicant", "funder"])
def test_only_operators_send_vacancies(client_as, cast, candidate, role):
    agree_to_job_offers(candidate)
    kitchen = factories.vacancy()
    url = reverse("employment:send_vacancy", args=[kitchen.pk, candidate.pk])
    assert client_as(cast[role]).post(url).status_code == 403
    assert mail.outbox == []


def test_sending_is_post_only(client_as, candidate, operator):
    kitchen = factories.vacancy()
    url = reverse("employment:send_vacancy", args=[kitchen.pk, candidate.pk])
    assert client_as(operator).get(url).status_code == 405
