import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from insieme.accounts.models import Role
from insieme.core.models import Comune
from insieme.core.money import eur
from insieme.network.models import (
    Agreement,
    ContactPerson,
    LegalForm,
    Organisation,
    OrganisationMember,
)
from insieme.network.tests.factories import member, organisation, partita_iva

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def bologna():
    return Comune.objects.get(istat_code="037006")


@pytest.fixture
def org(bologna):
    return organisation(
        "Società Cooperativa Città Solidale",
        n=1,
        comune=bologna,
        legal_form=LegalForm.SOCIAL_COOPERATIVE,
        third_sector=True,
        is_partner=True,
        is_employer=True,
    )


@pytest.fixture
def other():
    return organisation(
        "Fondazione del Monte", n=2, is_funder=True, legal_form=LegalForm.FOUNDATION
    )


@pytest.fixture
def contact(org):
    return ContactPerson.objects.create(
        organisation=org, name="Giulia Ferri", role="Presidente", email="giulia@example.org"
    )


# --- list --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["operator", "admin_user", "coach"])
def test_staff_roles_see_every_organisation(request, client_as, org, other, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("network:list"))
    assert response.status_code == 200
    assert org.name in response.text
    assert other.name in response.text


def test_partner_sees_only_their_own_organisation(client_as, partner, org, other):
    member(org, partner)
    response = client_as(partner).get(reverse("network:list"))
    assert org.name in response.text
    assert other.name not in response.text


def test_funder_sees_only_their_own_funder_organisation(client_as, funder, org, other):
    member(other, funder)
    response = client_as(funder).get(reverse("network:list"))
    assert other.name in response.text
    assert org.name not in response.text


@pytest.mark.parametrize("role", ["applicant", "outsider"])
def test_list_is_forbidden_to_applicants_and_outsiders(request, client_as, org, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("network:list"))
    assert response.status_code == 403


def test_list_requires_login(client, org):
    response = client.get(reverse("network:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_search_by_partial_name_without_accents(client_as, operator, org, other):
    response = client_as(operator).get(reverse("network:list"), {"q": "citta sol"})
    assert org.name in response.text
    assert other.name not in response.text
    assert "Organizzazioni trovate: 1" in response.text


@pytest.mark.parametrize("role", ["applicant", "outsider"])
def test_search_is_forbidden_to_applicants_and_outsiders(request, client_as, role):
    response = client_as(request.getfixturevalue(role)).post(
        reverse("network:search"), {"q": "coop"}
    )
    assert response.status_code == 403


def test_search_by_code_never_puts_the_code_in_a_url(client_as, operator, org, other):
    """A sole trader's code is a person's codice fiscale: no code travels in an address."""
    client = client_as(operator)
    response = client.post(reverse("network:search"), {"q": org.fiscal_code, "ruolo": ""})
    assert response.status_code == 303
    assert org.fiscal_code not in response["Location"]
    page = client.get(response["Location"]).text
    assert "Organizzazioni trovate: 1" in page
    links = re.findall(r'href="([^"]*)"', page)
    assert any("ricerca=" in link for link in links)  # the export links carry the token
    assert not [link for link in links if org.fiscal_code in link]
    typed = client.get(reverse("network:list"), {"q": org.fiscal_code})
    assert typed.status_code == 303
    assert org.fiscal_code not in typed["Location"]
    htmx = client.post(reverse("network:search"), {"q": org.fiscal_code}, **HTMX)
    assert "<html" not in htmx.text
    assert org.name in htmx.text
    assert other.name not in htmx.text
    assert org.fiscal_code not in htmx["HX-Push-Url"]
    name = client.post(reverse("network:search"), {"q": "città", "ruolo": "partner"})
    assert name["Location"] == "/organizzazioni/?q=citt%C3%A0&ruolo=partner"


def test_filters_by_role_legal_form_comune_and_third_sector(
    client_as, operator, org, other, bologna
):
    client = client_as(operator)
    url = reverse("network:list")
    assert other.name not in client.get(url, {"ruolo": "partner"}).text
    assert org.name not in client.get(url, {"ruolo": "finanziatore"}).text
    assert org.name not in client.get(url, {"forma": "fondazione"}).text
    only_bologna = client.get(url, {"comune": bologna.pk}).text
    assert org.name in only_bologna
    assert other.name not in only_bologna
    not_ets = client.get(url, {"ets": "no"}).text
    assert other.name in not_ets
    assert org.name not in not_ets


def test_unknown_filter_values_are_ignored_not_errors(client_as, operator, org):
    response = client_as(operator).get(reverse("network:list"), {"ruolo": "boss", "ordina": "pk"})
    assert response.status_code == 200
    assert org.name in response.text


def test_sorting_by_name_descending(client_as, operator, org, other):
    text = client_as(operator).get(reverse("network:list"), {"ordina": "-nome"}).text
    assert text.index(org.name) < text.index(other.name)
    text = client_as(operator).get(reverse("network:list"), {"ordina": "nome"}).text
    assert text.index(other.name) < text.index(org.name)


def test_pagination(client_as, operator):
    for n in range(30):
        organisation(f"Impresa {n:02d}", n=100 + n)
    client = client_as(operator)
    first = client.get(reverse("network:list")).text
    second = client.get(reverse("network:list"), {"pagina": 2}).text
    assert "Impresa 00" in first
    assert "Impresa 29" not in first
    assert "Impresa 29" in second
    assert "Pagina 2 di 2" in second


def test_htmx_request_gets_only_the_results(client_as, operator, org):
    response = client_as(operator).get(reverse("network:list"), {"q": "citta"}, **HTMX)
    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert "<html" not in response.text
    assert org.name in response.text


def test_list_query_count_does_not_grow_with_rows(midday, client_as, operator, bologna):
    client = client_as(operator)
    organisation("Prima", n=10, comune=bologna)
    client.get(reverse("network:list"))  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("network:list")).status_code == 200
        return len(queries)

    few = count()
    imola = Comune.objects.get(name="Imola")
    for n in range(20):
        organisation(f"Altra {n}", n=200 + n, comune=imola if n % 2 else bologna, is_partner=True)
    client.get(reverse("network:list"))  # the count is cached: both measured warm
    assert count() == few


def test_sole_trader_code_hidden_from_non_managers(client_as, coach, operator):
    organisation_code = "RSSMRA80A01A944I"
    sole = Organisation.objects.create(fiscal_code=organisation_code, name="Ditta Mario Rossi")
    detail = reverse("network:detail", args=[sole.pk])
    assert organisation_code not in client_as(coach).get(reverse("network:list")).text
    assert organisation_code not in client_as(coach).get(detail).text
    assert "ditta individuale" in client_as(coach).get(detail).text
    assert organisation_code in client_as(operator).get(reverse("network:list")).text
    assert organisation_code in client_as(operator).get(detail).text


# --- export ------------------------------------------------------------------------------------


def test_operator_exports_the_filtered_list_as_csv(client_as, operator, org, other, contact):
    response = client_as(operator).get(reverse("network:export", args=["csv"]), {"q": "monte"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0].startswith("Denominazione")
    assert rows[0][1:3] == ["Codice fiscale / partita IVA", "Forma giuridica"]
    assert [row[0] for row in rows[1:]] == ["Fondazione del Monte"]
    assert "Giulia" not in text  # contact people are never exported
    entry = LogEntry.objects.get(additional_data__event="export")
    assert entry.actor == operator
    assert entry.additional_data["pks"] == [other.pk]
    assert entry.additional_data["filters"] == {"q": ["monte"]}


def test_operator_exports_xlsx(client_as, admin_user, org, other):
    response = client_as(admin_user).get(reverse("network:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Fondazione del Monte", org.name]
    assert LogEntry.objects.filter(additional_data__event="export", actor=admin_user).exists()


@pytest.mark.parametrize("role", ["coach", "evaluator", "partner", "funder", "applicant"])
def test_export_is_for_operators_and_administrators_only(request, client_as, org, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("network:export", args=["csv"]))
    assert response.status_code == 403
    assert not LogEntry.objects.filter(additional_data__event="export").exists()


def test_export_unknown_format_is_404(client_as, operator):
    assert client_as(operator).get(reverse("network:export", args=["pdf"])).status_code == 404


# --- create and edit ---------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "fiscal_code": partita_iva(55),
        "name": "Associazione Porta Aperta",
        "legal_form": "associazione",
        "third_sector": "on",
        "roles": ["partner", "formazione"],
        "ateco_code": "88.10.00",
        "comune": "San Lazzaro di Savena",
        "address": "Via Emilia 1",
        "website": "https://porta-aperta.example.org",
        "email": "info@porta-aperta.example.org",
        "phone": "051 123456",
        "joined_on": "2024-03-01",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_operator_registers_an_organisation(client_as, operator):
    code = partita_iva(55)
    response = client_as(operator).post(
        reverse("network:create"), form_data(fiscal_code=f"IT {code[:5]} {code[5:]}")
    )
    assert response.status_code == 302
    created = Organisation.objects.get(fiscal_code=code)
    assert response["Location"] == reverse("network:detail", args=[created.pk])
    assert created.is_partner
    assert created.is_training
    assert not created.is_employer
    assert created.comune.name == "San Lazzaro di Savena"
    assert created.ateco_title.startswith("Attività di assistenza sociale")
    assert created.joined_on == datetime.date(2024, 3, 1)
    entry = LogEntry.objects.get_for_object(created).get()
    assert entry.actor == operator


def test_wrong_check_digit_is_refused_in_italian(client_as, operator):
    code = partita_iva(55)
    wrong = code[:10] + str((int(code[10]) + 1) % 10)
    response = client_as(operator).post(reverse("network:create"), form_data(fiscal_code=wrong))
    assert response.status_code == 200
    assert "La cifra di controllo" in response.text
    assert not Organisation.objects.exists()


def test_duplicate_code_is_refused_with_a_link_to_the_existing_one(client_as, operator, org):
    response = client_as(operator).post(
        reverse("network:create"), form_data(fiscal_code=org.fiscal_code)
    )
    assert response.status_code == 200
    assert "già registrata" in response.text
    assert f'href="{reverse("network:detail", args=[org.pk])}"' in response.text
    assert Organisation.objects.count() == 1


def test_unknown_ateco_and_comune_are_refused_in_italian(client_as, operator):
    response = client_as(operator).post(
        reverse("network:create"), form_data(ateco_code="99.99.99", comune="Atlantide")
    )
    assert "non è un codice ATECO 2025" in response.text
    assert "Non esiste un comune" in response.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("037054", "San Lazzaro di Savena"),
        ("san lazzaro di savena (bo)", "San Lazzaro di Savena"),
        ("Samone (TO)", "Samone"),
        ("CITTA DI CASTELLO", "Città di Castello"),
    ],
)
def test_comune_is_read_from_name_province_or_istat_code(client_as, operator, typed, expected):
    response = client_as(operator).post(reverse("network:create"), form_data(comune=typed))
    assert response.status_code == 302
    assert Organisation.objects.get().comune.name == expected


def test_ambiguous_comune_asks_for_the_province(client_as, operator):
    response = client_as(operator).post(reverse("network:create"), form_data(comune="Samone"))
    assert "Ci sono più comuni chiamati «Samone»" in response.text


def test_sole_trader_with_a_personal_code(client_as, operator):
    response = client_as(operator).post(
        reverse("network:create"), form_data(fiscal_code="rssmra80a01a944i", legal_form="impresa")
    )
    assert response.status_code == 302
    assert Organisation.objects.get().fiscal_code == "RSSMRA80A01A944I"


@pytest.mark.parametrize(
    "role", ["coach", "evaluator", "partner", "funder", "applicant", "outsider"]
)
def test_only_operators_and_administrators_register(request, client_as, role):
    user = request.getfixturevalue(role)
    assert client_as(user).get(reverse("network:create")).status_code == 403
    assert client_as(user).post(reverse("network:create"), form_data()).status_code == 403
    assert not Organisation.objects.exists()


def test_operator_edits_an_organisation(client_as, operator, org):
    response = client_as(operator).post(
        reverse("network:edit", args=[org.pk]),
        form_data(fiscal_code=org.fiscal_code, name="Città Solidale", roles=["datore"]),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Città Solidale"
    assert org.is_employer
    assert not org.is_partner


def test_edit_form_shows_current_values(client_as, operator, org):
    text = client_as(operator).get(reverse("network:edit", args=[org.pk])).text
    assert 'value="Bologna (BO)"' in text
    assert (
        'value="partner" checked' in text
        or 'checked value="partner"' in text
        or ('value="partner"' in text and "checked" in text)
    )


def test_partner_may_see_but_not_edit_their_organisation(client_as, partner, org):
    member(org, partner)
    assert client_as(partner).get(reverse("network:edit", args=[org.pk])).status_code == 403


@pytest.mark.parametrize("role", ["partner", "applicant", "outsider"])
def test_edit_of_an_invisible_organisation_is_404(request, client_as, org, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("network:edit", args=[org.pk]))
    assert response.status_code == 404


# --- detail ------------------------------------------------------------------------------------


def test_operator_sees_contacts_agreements_and_timeline(client_as, operator, org, contact):
    Agreement.objects.create(
        organisation=org,
        title="Convenzione tirocini",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 12, 31),
    )
    Agreement.objects.create(
        organisation=org, title="Convenzione inserimenti", starts_on=datetime.date(2024, 1, 1)
    )
    org.joined_on = datetime.date(2019, 5, 1)
    org.save()
    text = client_as(operator).get(reverse("network:detail", args=[org.pk])).text
    assert "Giulia Ferri" in text
    assert "Convenzione tirocini" in text
    assert "scaduta" in text
    assert "attiva" in text
    assert "Adesione alla rete" in text


def test_contact_people_are_hidden_from_coaches(client_as, coach, org, contact):
    response = client_as(coach).get(reverse("network:detail", args=[org.pk]))
    assert response.status_code == 200
    assert org.name in response.text
    assert "Giulia Ferri" not in response.text


def test_partner_sees_their_contacts(client_as, partner, org, contact):
    member(org, partner)
    text = client_as(partner).get(reverse("network:detail", args=[org.pk])).text
    assert "Giulia Ferri" in text
    assert reverse("network:edit", args=[org.pk]) not in text


def test_funder_sees_their_organisation_without_contacts(client_as, funder, other):
    member(other, funder)
    ContactPerson.objects.create(organisation=other, name="Marco Neri", phone="051 1")
    text = client_as(funder).get(reverse("network:detail", args=[other.pk])).text
    assert other.name in text
    assert "Marco Neri" not in text


@pytest.mark.parametrize("role", ["partner", "funder", "applicant", "outsider"])
def test_other_organisations_are_404(request, client_as, org, role):
    response = client_as(request.getfixturevalue(role)).get(
        reverse("network:detail", args=[org.pk])
    )
    assert response.status_code == 404


def test_detail_requires_login(client, org):
    assert client.get(reverse("network:detail", args=[org.pk])).status_code == 302


def test_timeline_shows_placements_and_grants(client_as, operator, coach, org, other):
    from insieme.calls.models import Application, ApplicationStatus, Call, Line
    from insieme.core.models import ContractType
    from insieme.grants.models import Grant
    from insieme.people.models import Person
    from insieme.placements.models import Placement

    call = Call.objects.create(code="B24", title="Bando 2024", line=Line.SOCIAL_INNOVATION)
    application = Application.objects.create(
        code="C1",
        call=call,
        title="Forno di comunità",
        applicant_organisation=org,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=datetime.datetime(2024, 2, 1, 10, tzinfo=datetime.UTC),
    )
    person = Person.objects.create(
        fiscal_code="RSSMRA80A01A944I", last_name="Rossi", first_name="Mario"
    )
    Placement.objects.create(
        code="P1",
        person=person,
        employer=org,
        contract_type=ContractType.objects.get(code="indeterminato"),
        start_date=datetime.date(2024, 6, 1),
    )
    Grant.objects.create(
        code="G1",
        application=application,
        funder=other,
        amount_awarded="15000.00",
        awarded_on=datetime.date(2024, 4, 1),
    )
    text = client_as(operator).get(reverse("network:detail", args=[org.pk])).text
    assert "Candidatura C1 al bando Bando 2024" in text
    assert "Forno di comunità" in text
    assert "Assunzione" in text
    assert "Rossi Mario" in text
    assert "Rossi Mario" not in client_as(coach).get(reverse("network:detail", args=[org.pk])).text
    funder_page = client_as(operator).get(reverse("network:detail", args=[other.pk])).text
    assert f"Contributo G1 concesso: {eur(Decimal('15000.00'))}" in funder_page


def test_timeline_shows_applications_only_to_who_may_see_them(
    client_as, operator, coach, partner, evaluator, org
):
    """The organisation's page prints each application's code and title beside its name: an
    operator sees them, the member who submitted one sees theirs, nobody else does."""
    from insieme.calls.models import Application, ApplicationStatus, Call, Line

    call = Call.objects.create(code="B24", title="Bando 2024", line=Line.SOCIAL_INNOVATION)
    submitted = datetime.datetime(2024, 2, 1, 10, tzinfo=datetime.UTC)
    colleague = make_user("collega@example.org", Role.PARTNER)
    member(org, partner)
    member(org, colleague)
    for code, title, owner in (
        ("C1", "Forno di comunità", partner),
        ("C2", "Orto condiviso", colleague),
    ):
        Application.objects.create(
            code=code,
            call=call,
            title=title,
            applicant_organisation=org,
            owner=owner,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=submitted,
        )
    page = reverse("network:detail", args=[org.pk])
    operator_text = client_as(operator).get(page).text
    assert "Forno di comunità" in operator_text
    assert "Orto condiviso" in operator_text
    partner_text = client_as(partner).get(page).text
    assert "Forno di comunità" in partner_text
    assert "Orto condiviso" not in partner_text
    coach_text = client_as(coach).get(page).text
    assert "Candidatura C1" not in coach_text
    assert "Forno di comunità" not in coach_text
    assert client_as(evaluator).get(page).status_code == 404


# --- contact people ----------------------------------------------------------------------------


def test_partner_adds_a_contact_to_their_organisation(client_as, partner, org):
    member(org, partner)
    response = client_as(partner).post(
        reverse("network:contact_add", args=[org.pk]),
        {"name": "Luca Bassi", "role": "HR", "email": "luca@example.org", "phone": ""},
    )
    assert response.status_code == 302
    contact = org.contacts.get()
    assert contact.name == "Luca Bassi"
    assert LogEntry.objects.get_for_object(contact).get().actor == partner


def test_adding_a_contact_with_htmx_returns_the_contacts_section(client_as, operator, org):
    response = client_as(operator).post(
        reverse("network:contact_add", args=[org.pk]),
        {"name": "Luca Bassi", "phone": "333 1234567"},
        **HTMX,
    )
    assert response.status_code == 200
    assert 'id="contacts"' in response.text
    assert "Luca Bassi" in response.text
    assert "<html" not in response.text


def test_contact_without_email_or_phone_is_refused_in_italian(client_as, operator, org):
    response = client_as(operator).post(
        reverse("network:contact_add", args=[org.pk]), {"name": "Luca Bassi"}, **HTMX
    )
    assert "almeno un indirizzo e-mail o un numero di telefono" in response.text
    assert not org.contacts.exists()


def test_contact_add_page_without_htmx(client_as, operator, org):
    response = client_as(operator).get(reverse("network:contact_add", args=[org.pk]))
    assert response.status_code == 200
    assert "Aggiungi un referente" in response.text
    response = client_as(operator).post(reverse("network:contact_add", args=[org.pk]), {"name": ""})
    assert "Inserisci il nome del referente." in response.text


def test_partner_edits_and_removes_their_contacts(client_as, partner, org, contact):
    member(org, partner)
    client = client_as(partner)
    response = client.post(
        reverse("network:contact_edit", args=[org.pk, contact.pk]),
        {"name": "Giulia Ferri", "role": "Direttrice", "email": "giulia@example.org"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Direttrice"
    response = client.post(reverse("network:contact_delete", args=[org.pk, contact.pk]), **HTMX)
    assert response.status_code == 200
    assert "Nessun referente" in response.text
    assert not ContactPerson.objects.exists()


def test_coaches_may_not_touch_contacts(client_as, coach, org, contact):
    client = client_as(coach)
    assert client.get(reverse("network:contact_add", args=[org.pk])).status_code == 403
    assert (
        client.post(reverse("network:contact_delete", args=[org.pk, contact.pk])).status_code == 403
    )
    assert ContactPerson.objects.exists()


def test_evaluators_do_not_reach_the_organisation_directory(client_as, evaluator, org, contact):
    """A blind review: an organisation's page lists its applications beside its name."""
    client = client_as(evaluator)
    assert client.get(reverse("network:list")).status_code == 403
    assert client.post(reverse("network:search"), {"q": org.name}).status_code == 403
    assert client.get(reverse("network:detail", args=[org.pk])).status_code == 404
    assert client.get(reverse("network:contact_add", args=[org.pk])).status_code == 404
    assert (
        client.post(reverse("network:contact_delete", args=[org.pk, contact.pk])).status_code == 404
    )
    assert ContactPerson.objects.exists()


@pytest.mark.parametrize("role", ["partner", "funder", "applicant", "outsider"])
def test_contacts_of_other_organisations_are_404(request, client_as, org, contact, role):
    client = client_as(request.getfixturevalue(role))
    assert client.get(reverse("network:contact_edit", args=[org.pk, contact.pk])).status_code == 404
    assert (
        client.post(reverse("network:contact_delete", args=[org.pk, contact.pk])).status_code == 404
    )
    assert ContactPerson.objects.exists()


def test_funder_member_may_not_see_or_edit_contacts(client_as, funder, other):
    member(other, funder)
    assert client_as(funder).get(reverse("network:contact_add", args=[other.pk])).status_code == 403


# --- agreements --------------------------------------------------------------------------------


def test_operator_adds_edits_and_removes_an_agreement(client_as, operator, org):
    client = client_as(operator)
    url = reverse("network:agreement_add", args=[org.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Convenzione 2025", "starts_on": "2025-01-01"})
    assert response.status_code == 302
    agreement = org.agreements.get()
    assert agreement.is_active(datetime.date(2025, 6, 1))
    response = client.post(
        reverse("network:agreement_edit", args=[org.pk, agreement.pk]),
        {"title": "Convenzione 2025", "starts_on": "2025-01-01", "ends_on": "2025-03-31"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert not agreement.is_active(datetime.date(2025, 6, 1))
    response = client.post(reverse("network:agreement_delete", args=[org.pk, agreement.pk]))
    assert response.status_code == 302
    assert not Agreement.objects.exists()


def test_agreement_cannot_end_before_it_starts(client_as, operator, org):
    response = client_as(operator).post(
        reverse("network:agreement_add", args=[org.pk]),
        {"title": "Convenzione", "starts_on": "2025-05-01", "ends_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "Una convenzione non può terminare prima di iniziare." in response.text
    assert not Agreement.objects.exists()


def test_partner_may_not_manage_agreements(client_as, partner, org):
    member(org, partner)
    client = client_as(partner)
    assert client.get(reverse("network:agreement_add", args=[org.pk])).status_code == 403


def test_outsider_gets_404_on_agreements(client_as, outsider, org):
    assert (
        client_as(outsider).get(reverse("network:agreement_add", args=[org.pk])).status_code == 404
    )


# --- members and "my organisation" -------------------------------------------------------------


def test_operator_links_and_unlinks_a_partner_user(client_as, operator, partner, org):
    client = client_as(operator)
    response = client.post(reverse("network:member_add", args=[org.pk]), {"user": partner.pk})
    assert response.status_code == 302
    membership = OrganisationMember.objects.get(organisation=org, user=partner)
    assert list(Organisation.objects.visible_to(partner)) == [org]
    response = client.post(reverse("network:member_remove", args=[org.pk, membership.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.visible_to(partner).exists()


def test_only_partner_or_funder_users_can_be_linked(client_as, operator, coach, org):
    response = client_as(operator).post(
        reverse("network:member_add", args=[org.pk]), {"user": coach.pk}, follow=True
    )
    assert "Scegli un utente partner o finanziatore" in response.text
    assert not OrganisationMember.objects.exists()


def test_partner_may_not_link_users(client_as, partner, org):
    member(org, partner)
    other_partner = make_user("altro@example.org", Role.PARTNER)
    response = client_as(partner).post(
        reverse("network:member_add", args=[org.pk]), {"user": other_partner.pk}
    )
    assert response.status_code == 403


def test_my_organisation_takes_a_partner_to_their_page(client_as, partner, org):
    member(org, partner)
    response = client_as(partner).get(reverse("network:mine"))
    assert response.status_code == 302
    assert response["Location"] == reverse("network:detail", args=[org.pk])


def test_my_organisation_explains_when_not_linked(client_as, partner):
    response = client_as(partner).get(reverse("network:mine"))
    assert "non è ancora collegato" in response.text


def test_my_organisation_is_for_partners(client_as, applicant):
    assert client_as(applicant).get(reverse("network:mine")).status_code == 403


def test_navigation_entries(client_as, operator, partner):
    assert "Organizzazioni" in client_as(operator).get("/").text
    partner_home = client_as(partner).get("/").text
    assert "La mia organizzazione" in partner_home
    assert reverse("network:mine") in partner_home


# --- autocomplete ------------------------------------------------------------------------------


def test_ateco_autocomplete_finds_activities_without_accents(client_as, operator):
    response = client_as(operator).get(
        reverse("network:ateco_options"), {"ateco_code": "attivita sportive"}
    )
    assert response.status_code == 200
    assert '<option value="93.19">Attività sportive n.c.a.</option>' in response.text


def test_comune_autocomplete_puts_metropolitan_comuni_first(client_as, operator):
    response = client_as(operator).get(reverse("network:comune_options"), {"comune": "san laz"})
    assert 'value="San Lazzaro di Savena (BO)"' in response.text


@pytest.mark.parametrize("name", ["network:ateco_options", "network:comune_options"])
def test_autocomplete_is_for_managers(client_as, partner, name):
    assert client_as(partner).get(reverse(name), {"q": "bo"}).status_code == 403
