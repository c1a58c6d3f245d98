import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insieme.core.models import ContractType
from insieme.employment import matching, services
from insieme.employment.models import Referral, ReferralOutcome, RegistrationStatus, Vacancy
from insieme.employment.tests import factories
from insieme.network.models import OrganisationMember


@pytest.fixture
def candidates(db):
    """Three people in the programme, living near or far from a kitchen job in Bologna."""
    near = factories.person("Vicini", "Vera", home="Bologna", available_hours=40)
    factories.registration(near, status=RegistrationStatus.ACTIVE)
    factories.profile(near, skills=["cucina", "pulizie"], wished=["determinato"])
    district = factories.person(
        "Distretto", "Dario", home="Casalecchio di Reno", available_hours=20
    )
    factories.registration(district, status=RegistrationStatus.ACTIVE)
    factories.profile(district, skills=["cucina"])
    far = factories.person("Lontani", "Leo", home="Imola")
    factories.registration(far, status=RegistrationStatus.ACTIVE)
    factories.profile(far, skills=["magazzino"], reach="comune")
    return {"near": near, "district": district, "far": far}


def test_matching_ranks_and_explains(candidates):
    kitchen = factories.vacancy(where="Bologna", skills=["cucina"], contract="determinato")
    shortlist = matching.candidates_for(kitchen)
    # Leo only works in Imola; Dario fits less (part time only, another contract).
    assert [m.person for m in shortlist] == [candidates["near"], candidates["district"]]
    assert (
        "Disponibile per 20 ore settimanali, il lavoro ne richiede 38"
        in shortlist[1].match.warnings
    )
    reasons = shortlist[0].match.reasons
    assert "Competenze in comune: Cucina e preparazione pasti" in reasons
    assert "Abita nello stesso comune (Bologna)" in reasons
    assert "Contratto desiderato: Tempo determinato" in reasons
    assert "Orario compatibile con la disponibilità" in reasons


def test_matching_across_the_district_says_so(candidates):
    kitchen = factories.vacancy(where="Zola Predosa", skills=["cucina"], weekly_hours=Decimal("20"))
    shortlist = {m.person: m.match for m in matching.candidates_for(kitchen)}
    dario = shortlist[candidates["district"]]
    assert any("stesso distretto" in reason for reason in dario.reasons)
    assert candidates["district"] in shortlist
    assert "Orario compatibile con la disponibilità" in dario.reasons


def test_a_person_sees_the_vacancies_that_fit(candidates):
    kitchen = factories.vacancy(where="Bologna", skills=["cucina"])
    closed = factories.vacancy(where="Bologna", skills=["cucina"], status="chiusa")
    fits = [m.vacancy for m in matching.vacancies_for(candidates["near"])]
    assert kitchen in fits
    assert closed not in fits


def test_vacancy_page_shows_the_shortlist_to_operators(client_as, operator, candidates):
    kitchen = factories.vacancy(skills=["cucina"])
    html = (
        client_as(operator).get(reverse("employment:vacancy", args=[kitchen.pk])).content.decode()
    )
    assert "Vicini Vera" in html
    assert "Competenze in comune" in html


def test_a_referral_needs_consent_to_share_the_cv(candidates, operator):
    kitchen = factories.vacancy()
    person = candidates["near"]
    person.consents.update(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.refer(vacancy=kitchen, person=person, by=operator)
    assert error.value.code == "no_cv_consent"
    assert not Referral.objects.exists()


def test_the_referral_view_refuses_without_consent_in_italian(client_as, operator, candidates):
    kitchen = factories.vacancy()
    person = candidates["near"]
    person.consents.update(withdrawn_at=timezone.now())
    url = reverse("employment:refer", args=[kitchen.pk, person.pk])
    response = client_as(operator).post(url, {"note": ""})
    assert "non ha acconsentito" in response.content.decode()
    assert not Referral.objects.exists()


def test_with_consent_the_referral_is_made_once(client_as, operator, candidates):
    kitchen = factories.vacancy()
    person = candidates["near"]
    client = client_as(operator)
    url = reverse("employment:refer", args=[kitchen.pk, person.pk])
    assert client.post(url, {"note": "Molto motivata"}).status_code == 302
    referral = Referral.objects.get()
    assert referral.proposed_by == operator
    response = client.post(url, {"note": ""})
    assert "è già stata proposta" in response.content.decode() or "già proposto" in (
        response.content.decode()
    )
    assert Referral.objects.count() == 1
    assert person not in [m.person for m in matching.candidates_for(kitchen)]


def test_refusal_needs_a_reason_and_is_reported(client_as, operator, candidates):
    kitchen = factories.vacancy()
    referral = services.refer(vacancy=kitchen, person=candidates["near"], by=operator)
    client = client_as(operator)
    url = reverse("employment:referral_outcome", args=[referral.pk])
    response = client.post(
        url, {"outcome": "rifiutata", "outcome_on": timezone.localdate().isoformat()}
    )
    assert "Indica perché" in response.content.decode()
    client.post(
        url,
        {
            "outcome": "rifiutata",
            "refusal_reason": "distanza",
            "outcome_on": timezone.localdate().isoformat(),
        },
    )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.REFUSED
    assert referral.refusal_reason == "distanza"
    report = client.get(reverse("employment:refusals")).content.decode()
    assert "Distanza da casa" in report
    assert "100%" in report


def test_hired_leads_to_the_placement_form_prefilled(client_as, operator, candidates):
    kitchen = factories.vacancy()
    referral = services.refer(vacancy=kitchen, person=candidates["near"], by=operator)
    client = client_as(operator)
    response = client.post(
        reverse("employment:referral_outcome", args=[referral.pk]),
        {"outcome": "assunta", "outcome_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    form = client.get(response["Location"]).context["form"]
    assert form.initial["employer"] == kitchen.organisation


def test_operator_creates_a_vacancy_with_an_ateco_code(client_as, operator, db):
    org = factories.organisation()
    data = {
        "organisation": org.pk,
        "title": "Magazziniere",
        "ateco_code": "52.10",
        "comune": "Bologna",
        "contract_type": ContractType.objects.get(code="determinato").pk,
        "weekly_hours": "40",
        "shifts": "",
        "requirements": "Patentino muletto",
        "skills": ["magazzino", "carrelli"],
        "openings": "2",
        "deadline": "",
        "status": "aperta",
    }
    client = client_as(operator)
    response = client.post(reverse("employment:vacancy_new"), {**data, "ateco_code": "99.99.99"})
    assert "non è un codice ATECO 2025" in response.content.decode()
    response = client.post(reverse("employment:vacancy_new"), data)
    assert response.status_code == 302
    vacancy = Vacancy.objects.get()
    assert vacancy.skills == ["magazzino", "carrelli"]
    assert vacancy.created_by == operator


def test_vacancy_list_query_count_does_not_grow(midday, client_as, operator, db):
    client = client_as(operator)
    factories.vacancy()
    client.get(reverse("employment:vacancy_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("employment:vacancy_list"))
    for n in range(5):
        factories.vacancy(title=f"Ruolo {n}")
    client.get(reverse("employment:vacancy_list"))  # the count is cached: both measured warm
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("employment:vacancy_list"))
    assert len(many) == len(few)


def test_partner_without_an_organisation_sees_nothing(client_as, partner, db):
    kitchen = factories.vacancy()
    client = client_as(partner)
    response = client.get(reverse("employment:vacancy_list"))
    assert response.status_code == 200
    assert kitchen.title not in response.content.decode()
    assert client.get(reverse("employment:vacancy", args=[kitchen.pk])).status_code == 404


def test_partner_sees_only_its_vacancies_and_referred_candidates(
    client_as, partner, operator, candidates
):
    own = factories.vacancy(factories.organisation("Trattoria Amica"), title="Cameriere")
    other = factories.vacancy(factories.organisation("Altra Srl"), title="Autista")
    services.refer(vacancy=own, person=candidates["near"], by=operator)
    services.refer(vacancy=other, person=candidates["district"], by=operator)
    OrganisationMember.objects.create(organisation=own.organisation, user=partner)
    client = client_as(partner)
    listing = client.get(reverse("employment:vacancy_list")).content.decode()
    assert "Cameriere" in listing
    assert "Autista" not in listing
    page = client.get(reverse("employment:vacancy", args=[own.pk])).content.decode()
    assert "Vicini Vera" in page
    assert "Distretto Dario" not in page
    assert "Competenze in comune" not in page  # no shortlist for partners
    reads = LogEntry.objects.get_for_object(candidates["near"]).filter(
        actor=partner, action=LogEntry.Action.ACCESS
    )
    assert reads.exists()
    # The person's record (and the CV, with the consent) is open to the partner, others' are not.
    assert client.get(reverse("people:detail", args=[candidates["near"].pk])).status_code == 200
    other_person = reverse("people:detail", args=[candidates["district"].pk])
    assert client.get(other_person).status_code == 404
    assert client.get(reverse("employment:vacancy", args=[other.pk])).status_code == 404
    # partners cannot open people's records nor propose candidates
    url = reverse("employment:person", args=[candidates["near"].pk])
    assert client.get(url).status_code == 403
    url = reverse("employment:refer", args=[own.pk, candidates["district"].pk])
    assert client.post(url).status_code == 403


def test_partner_enters_a_vacancy_only_for_its_own_organisation(client_as, partner, db):
    own = factories.organisation("Trattoria Amica")
    other = factories.organisation("Altra Srl")
    OrganisationMember.objects.create(organisation=own, user=partner)
    data = {
        "title": "Lavapiatti",
        "ateco_code": "56.11",
        "comune": "Bologna",
        "contract_type": ContractType.objects.get(code="determinato").pk,
        "openings": "1",
        "status": "aperta",
    }
    client = client_as(partner)
    response = client.post(reverse("employment:vacancy_new"), {**data, "organisation": other.pk})
    assert response.status_code == 200
    assert not Vacancy.objects.exists()
    response = client.post(reverse("employment:vacancy_new"), {**data, "organisation": own.pk})
    assert response.status_code == 302
    assert Vacancy.objects.get().organisation == own


@pytest.mark.parametrize("who", ["outsider", "funder", "applicant", "evaluator"])
def test_vacancies_are_for_operators_and_partners(client_as, cast, who):
    assert client_as(cast[who]).get(reverse("employment:vacancy_list")).status_code == 403


def test_vacancy_list_filters_by_words_district_contract_and_status(client_as, operator, db):
    trattoria = factories.organisation("Trattoria Amica")
    factories.vacancy(trattoria, title="Cameriere di sala")
    factories.vacancy(title="Magazziniere", where="Imola", contract="indeterminato")
    factories.vacancy(title="Aiuto cuoco", where="Casalecchio di Reno")
    factories.vacancy(title="Lavapiatti", status="chiusa")
    client = client_as(operator)
    url = reverse("employment:vacancy_list")

    def titles(**query):
        html = client.get(url, query).content.decode()
        return {t for t in ("Cameriere", "Magazziniere", "Aiuto cuoco", "Lavapiatti") if t in html}

    assert titles() == {"Cameriere", "Magazziniere", "Aiuto cuoco"}
    assert titles(stato="tutte") == {"Cameriere", "Magazziniere", "Aiuto cuoco", "Lavapiatti"}
    assert titles(q="trattoria") == {"Cameriere"}
    assert titles(q="cuoco aiuto") == {"Aiuto cuoco"}
    imola = factories.comune("Imola").district
    assert titles(district=imola.pk) == {"Magazziniere"}
    contract = ContractType.objects.get(code="indeterminato")
    assert titles(contract_type=contract.pk) == {"Magazziniere"}
    html = client.get(url, {"q": "nessuno"}).content.decode()
    assert "Nessuna offerta corrisponde alla ricerca." in html


def test_vacancy_list_bad_filters_say_what_is_wrong_and_never_fail(client_as, operator, db):
    factories.vacancy(title="Cameriere")
    client = client_as(operator)
    url = reverse("employment:vacancy_list")
    for query in (
        {"district": "9999"},
        {"contract_type": "abc"},
        {"stato": "boh"},
        {"pagina": "zzz"},
        {"pagina": "999"},
        {"q": "x" * 300},
    ):
        response = client.get(url, query)
        assert response.status_code == 200, query
    html = client.get(url, {"district": "9999"}).content.decode()
    assert "Scegli un&#x27;opzione valida" in html
    assert "Cameriere" in html  # an invalid filter is ignored, not an empty page
    factories.vacancy(title="Magazziniere")
    html = client.get(url, {"district": "9999", "q": "magazz"}).content.decode()
    assert "Magazziniere" in html  # ... and the valid ones still apply
    assert "Cameriere" not in html


def test_vacancy_list_is_paginated_and_keeps_the_filters(client_as, operator, db):
    org = factories.organisation("Grande Magazzino")
    for n in range(30):
        factories.vacancy(org, title=f"Addetto {n:02d}")
    factories.vacancy(title="Cameriere")
    client = client_as(operator)
    url = reverse("employment:vacancy_list")
    first = client.get(url, {"q": "addetto"}).content.decode()
    assert "Offerte trovate: 30" in first
    assert "Pagina 1 di 2" in first
    assert "q=addetto&amp;pagina=2" in first
    second = client.get(url, {"q": "addetto", "pagina": "2"}).content.decode()
    assert "Pagina 2 di 2" in second
    assert "Cameriere" not in second
    shown = [n for n in range(30) if f"Addetto {n:02d}" in first + second]
    assert len(shown) == 30


def test_vacancy_list_htmx_gets_the_results_fragment(client_as, operator, db):
    factories.vacancy(title="Cameriere")
    client = client_as(operator)
    response = client.get(
        reverse("employment:vacancy_list"), {"q": "camer"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="results"' in html
    assert "Cameriere" in html
    assert "HX-Request" in response["Vary"]


def test_filtered_paginated_vacancy_list_query_count_does_not_grow(client_as, operator, db):
    client = client_as(operator)
    query = {"q": "ruolo", "stato": "tutte", "pagina": "1"}
    factories.vacancy(title="Ruolo base")
    client.get(reverse("employment:vacancy_list"), query)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("employment:vacancy_list"), query)
    for n in range(40):
        factories.vacancy(title=f"Ruolo {n}", where="Imola" if n % 2 else "Bologna")
    client.get(reverse("employment:vacancy_list"), query)  # the count is cached: measured warm
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("employment:vacancy_list"), query).content.decode()
    assert "Pagina 1 di 2" in html
    assert len(many) == len(few)


def test_vacancy_openings_and_deadline_are_checked_in_italian(client_as, operator, db):
    org = factories.organisation("Trattoria Amica")
    data = {
        "organisation": org.pk,
        "title": "Lavapiatti",
        "comune": "Bologna",
        "contract_type": ContractType.objects.get(code="determinato").pk,
        "openings": "0",
        "deadline": "2020-01-01",
        "status": "aperta",
    }
    client = client_as(operator)
    html = client.post(reverse("employment:vacancy_new"), data).content.decode()
    assert "Un&#x27;offerta ha almeno un posto." in html
    assert "La scadenza è già passata" in html
    assert "vacancy_has_openings" not in html
    assert not Vacancy.objects.exists()
    # An old vacancy whose deadline has passed can still be edited (e.g. to close it).
    old = factories.vacancy(org, deadline=datetime.date(2020, 1, 1))
    edit = {**data, "openings": "1", "status": "chiusa"}
    response = client.post(reverse("employment:vacancy_edit", args=[old.pk]), edit)
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == "chiusa"


def test_partner_loses_the_contacts_when_the_cv_consent_is_withdrawn(
    client_as, partner, operator, candidates
):
    from insieme.people import services as people_services
    from insieme.people.models import ConsentPurpose

    near = candidates["near"]
    near.phone = "333 7654321"
    near.save()
    own = factories.vacancy(factories.organisation("Trattoria Amica"), title="Cameriere")
    services.refer(vacancy=own, person=near, by=operator)
    OrganisationMember.objects.create(organisation=own.organisation, user=partner)
    client = client_as(partner)
    url = reverse("employment:vacancy", args=[own.pk])
    page = client.get(url).content.decode()
    assert "Vicini Vera" in page
    assert near.email in page
    assert "333 7654321" in page
    consent = near.consents.in_force().get(purpose=ConsentPurpose.CV_SHARING)
    people_services.withdraw_consent(consent=consent, by=operator)
    reads_before = LogEntry.objects.get_for_object(near).filter(actor=partner).count()
    page = client.get(url).content.decode()
    assert "Vicini Vera" not in page
    assert near.email not in page
    assert "333 7654321" not in page
    assert "Una persona che ha ritirato il consenso all'invio del CV" in page
    assert LogEntry.objects.get_for_object(near).filter(actor=partner).count() == reads_before
    # The operator still sees whom they proposed.
    assert "Vicini Vera" in client_as(operator).get(url).content.decode()
