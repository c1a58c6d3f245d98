import datetime
import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from insieme.core.models import Event
from insieme.employment import links, services
from insieme.employment.eligibility import RULES, Answers, assess
from insieme.employment.models import Registration, RegistrationStatus
from insieme.employment.tests import factories
from insieme.employment.views import SIGNUP_ATTEMPTS_PER_HOUR
from insieme.people.models import ConsentChannel, ConsentPurpose, Person

URL = reverse("employment:signup")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


def answers(**overrides):
    data = {
        "first_name": "Maria",
        "last_name": "Rossi",
        "fiscal_code": "rssmra90b41a944n",
        "email": "maria.rossi@example.org",
        "phone": "333 1234567",
        "comune": "Casalecchio di Reno",
        "other_measure": "no",
        "cv_consent": "on",
        "privacy": "on",
    }
    data.update(overrides)
    return data


def test_rules_are_data_with_a_reason_for_each(db):
    assert [rule.code for rule in RULES] == ["metropolitan_residence", "no_other_measure"]
    inside = assess(Answers(comune=factories.comune("Imola"), other_measure=False))
    outside = assess(Answers(comune=factories.comune("Milano"), other_measure=False))
    enrolled = assess(Answers(comune=factories.comune("Bologna"), other_measure=True))
    assert inside.eligible
    assert [rule.code for rule in outside.failed] == ["metropolitan_residence"]
    assert [rule.code for rule in enrolled.failed] == ["no_other_measure"]


def test_the_form_works_without_an_account(client, db):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Iscriviti per trovare lavoro" in html
    assert 'name="viewport"' in html


def test_a_person_living_in_the_metropolitan_area_joins_the_waiting_list(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, answers(), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("employment:signup_done")
    assert "sei in lista d'attesa" in html
    assert reverse("account_signup") in html
    person = Person.objects.get()
    assert person.fiscal_code == "RSSMRA90B41A944N"
    assert person.residence_comune.name == "Casalecchio di Reno"
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.WAITING
    assert registration.self_signed_up
    consent = person.consents.get()
    assert consent.purpose == ConsentPurpose.CV_SHARING
    assert consent.channel == ConsentChannel.ONLINE
    assert links.has_cv_consent(person)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria.rossi@example.org"]
    assert "lista d'attesa" in mail.outbox[0].body
    assert "35 giorni" in mail.outbox[0].body


def test_without_the_cv_consent_the_person_signs_up_all_the_same(client, db):
    data = answers()
    del data["cv_consent"]
    client.post(URL, data)
    person = Person.objects.get()
    assert person.registrations.count() == 1
    assert not links.has_cv_consent(person)


def test_someone_living_outside_gets_an_immediate_clear_no(client, db):
    response = client.post(URL, answers(comune="Milano"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Per ora non puoi iscriverti" in html
    assert "55 comuni della Città metropolitana di Bologna" in html
    assert not Person.objects.exists()
    assert not mail.outbox


def test_someone_already_in_another_measure_is_told_why(client, db):
    response = client.post(URL, answers(other_measure="si"))
    html = response.content.decode()
    assert "Per ora non puoi iscriverti" in html
    assert "GOL" in html
    assert not Registration.objects.exists()


def test_a_wrong_fiscal_code_gets_an_italian_message(client, db):
    response = client.post(URL, answers(fiscal_code="RSSMRA90B41A944X"))
    html = response.content.decode()
    assert "carattere di controllo" in html
    assert not Person.objects.exists()


def test_an_unknown_comune_gets_an_italian_message(client, db):
    response = client.post(URL, answers(comune="Atlantide"))
    assert "Non troviamo questo comune" in response.content.decode()


def test_a_self_sign_up_keeps_the_birth_date_sex_and_birthplace_of_the_code(client, db):
    client.post(URL, answers())
    person = Person.objects.get()
    assert person.birth_date == datetime.date(1990, 2, 1)
    assert person.sex == "F"
    assert person.birth_place_code == "A944"
    assert person.birth_place == "Bologna (BO)"
    assert not person.fiscal_code_is_temporary


def test_the_sign_up_service_refuses_a_phone_that_is_not_a_number(db):
    with pytest.raises(ValidationError) as caught:
        services.sign_up(
            fiscal_code="RSSMRA90B41A944N",
            first_name="Maria",
            last_name="Rossi",
            email="maria.rossi@example.org",
            phone="abc",
            comune=factories.comune("Bologna"),
            cv_consent=False,
            by=None,
        )
    assert "phone" in caught.value.message_dict
    assert not Person.objects.exists()
    assert not Registration.objects.exists()


def test_signing_up_again_is_told_the_truth_and_the_office_hears_of_it(
    client, db, operator, settings, django_capture_on_commit_callbacks
):
    settings.OFFICE_EMAIL = "lavoro@insieme.example.org"
    settings.OFFICE_PHONE = "051 555 1234"
    client.post(URL, answers())
    first = Registration.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, answers(phone="051 000000", email="altro@example.org"), follow=True
        )
    html = response.content.decode()
    assert "sei in lista d'attesa" not in html
    assert "questo codice fiscale risulta già iscritto" in html
    assert "051 555 1234" in html
    assert "lavoro@insieme.example.org" in html
    assert "Abbiamo scritto all'indirizzo e-mail indicato con la prima iscrizione" in html
    assert "RSSMRA90B41A944N" not in html
    # nothing created twice, nothing on file changed
    assert Registration.objects.get() == first
    person = Person.objects.get()
    assert person.phone == "+393331234567"
    assert person.email == "maria.rossi@example.org"
    # the person on file is written to; the office gets its notice, without the code
    to_person, to_office = mail.outbox
    assert to_person.to == ["maria.rossi@example.org"]
    assert "Eri già nelle nostre liste" in to_person.body
    assert "051 555 1234" in to_person.body
    assert to_office.to == ["lavoro@insieme.example.org"]
    assert "Maria Rossi" in to_office.body
    assert "altro@example.org" in to_office.body
    assert reverse("employment:person", args=[person.pk]) in to_office.body
    assert "RSSMRA90B41A944N" not in to_office.body + to_office.subject
    event = Event.objects.get(name="signup.duplicate")
    assert event.payload == {
        "registration": {
            "id": first.pk,
            "person": person.pk,
            "status": "in_attesa",
            "registered_on": first.registered_on.isoformat(),
        },
        "at_the_desk": False,
    }
    assert "RSSMRA90B41A944N" not in json.dumps(event.payload)


def test_without_an_office_address_the_operators_hear_of_a_second_sign_up(
    client, db, operator, django_capture_on_commit_callbacks
):
    client.post(URL, answers())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, answers(), follow=True)
    assert "trovi il numero di telefono e l'indirizzo sul sito del programma" in (
        response.content.decode()
    )
    assert [operator.email] in [m.to for m in mail.outbox]


def test_no_e_mail_is_claimed_when_none_was_sent(client, db, django_capture_on_commit_callbacks):
    # Known to the registry without an e-mail address: an anonymous sign-up writes to the
    # address on file, and there is none.
    person = factories.person("Rossi", "Maria", email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, answers(fiscal_code=person.fiscal_code), follow=True)
    html = response.content.decode()
    assert "sei in lista d'attesa" in html
    assert "Riceverai una conferma per e-mail" not in html
    assert not mail.outbox
    assert person.registrations.get().status == RegistrationStatus.WAITING


def test_a_second_sign_up_without_an_address_on_file_claims_no_e_mail(client, db):
    person = factories.person("Rossi", "Maria", email="")
    factories.registration(person)
    response = client.post(URL, answers(fiscal_code=person.fiscal_code), follow=True)
    html = response.content.decode()
    assert "risulta già iscritto" in html
    assert "Abbiamo scritto" not in html
    assert person.registrations.count() == 1


def test_a_person_has_one_open_sign_up_at_most(db):
    registration = factories.registration()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            person=registration.person,
            registered_on=registration.registered_on,
            status=RegistrationStatus.WAITING,
        )
    registration.status = RegistrationStatus.CLOSED
    registration.save()
    factories.registration(registration.person)  # after a closed one, a new one is fine


def test_two_sign_ups_at_the_same_moment_make_one(db, monkeypatch):
    """The second submission looked before the first committed and saw no sign-up: the
    constraint stops its insert, and it answers with the first one's."""
    person = factories.person("Rossi", "Maria")
    theirs = factories.registration(person)
    looks = iter([None])
    real = services._open_registration
    monkeypatch.setattr(services, "_open_registration", lambda p: next(looks, None) or real(p))
    outcome = services.sign_up(
        fiscal_code=person.fiscal_code,
        first_name="Maria",
        last_name="Rossi",
        email="maria.rossi@example.org",
        phone="",
        comune=factories.comune("Bologna"),
        cv_consent=False,
        by=None,
    )
    assert outcome.already_registered
    assert outcome.registration == theirs
    assert person.registrations.count() == 1


def test_a_stranger_cannot_give_consent_for_someone_already_registered(client, db):
    person = factories.person("Rossi", "Maria")
    client.post(URL, answers(fiscal_code=person.fiscal_code, phone="051 7654321"))
    person.refresh_from_db()
    assert person.phone == ""  # nothing on file changes
    assert not links.has_cv_consent(person)
    assert person.registrations.get().status == RegistrationStatus.WAITING


def test_the_done_page_needs_a_sign_up_first(client, db):
    response = client.get(reverse("employment:signup_done"))
    assert response.status_code == 302
    assert response["Location"] == URL


@pytest.mark.parametrize("comune", ["imola", "San Lazzaro di Savena (BO)"])
def test_comune_names_are_tolerant(client, db, comune):
    client.post(URL, answers(comune=comune))
    assert Registration.objects.count() == 1


def test_too_many_submissions_from_one_address_are_stopped(client, db):
    cache.clear()
    for _ in range(SIGNUP_ATTEMPTS_PER_HOUR):
        client.post(URL, answers(comune="Milano"))
    response = client.post(URL, answers())
    assert response.status_code == 429
    assert "Troppi tentativi" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("hops", [0, 1])
def test_the_sign_up_budget_counts_real_clients_behind_the_proxy(settings, client, db, hops):
    settings.TRUSTED_PROXIES = hops
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(SIGNUP_ATTEMPTS_PER_HOUR):
        # A new made-up entry each time, the proxy's true one after it.
        forwarded = f"198.51.100.{n}, 203.0.113.9"
        client.post(URL, answers(comune="Milano"), HTTP_X_FORWARDED_FOR=forwarded, **proxy)
    response = client.post(
        URL, answers(), HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.9", **proxy
    )
    assert response.status_code == 429  # the made-up entries bought nothing
    neighbour = client.post(URL, answers(), HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)
    # Behind the proxy another client has a budget of its own; without one, the proxy's
    # address is all the application knows, and it is spent.
    assert (neighbour.status_code == 429) is not bool(hops)
    assert Registration.objects.exists() == bool(hops)


def test_operators_signing_people_up_at_the_desk_are_not_limited(client_as, operator):
    client = client_as(operator)
    for _ in range(SIGNUP_ATTEMPTS_PER_HOUR + 1):
        response = client.post(URL, answers(comune="Milano"))
        assert response.status_code == 200


def test_an_operator_at_the_desk_updates_the_person_and_records_the_consent(client_as, operator):
    person = factories.person("Rossi", "Maria")
    client_as(operator).post(URL, answers(fiscal_code=person.fiscal_code, phone="051 111"))
    person.refresh_from_db()
    assert person.phone == "+39051111"
    consent = person.consents.get()
    assert consent.channel == ConsentChannel.ORAL
    assert consent.recorded_by == operator


def test_a_phone_that_is_not_a_number_is_refused_in_italian(client, db):
    response = client.post(URL, answers(phone="abc"))
    assert response.status_code == 200
    assert "Questo non è un numero di telefono" in response.content.decode()
    assert not Registration.objects.exists()
