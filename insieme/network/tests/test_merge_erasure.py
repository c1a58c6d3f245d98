"""Merging duplicate organisations and erasing a sole trader's identifying data (issue 3)."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.grants.models import Disbursement, Grant
from insieme.network import services
from insieme.network.models import Agreement, ContactPerson, Organisation, OrganisationMember
from insieme.network.tests.factories import member, organisation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SOLE_TRADER_CODE = "RSSMRA80A01A944I"


def application_of(org, code="A1"):
    call, _ = Call.objects.get_or_create(
        code="B2024", defaults={"title": "Bando", "line": Line.SELF_EMPLOYMENT}
    )
    return Application.objects.create(
        code=code,
        call=call,
        title="Bottega",
        applicant_organisation=org,
        status=ApplicationStatus.ACCOMPANIED,
        submitted_at=datetime.datetime(2024, 2, 1, 10, tzinfo=datetime.UTC),
    )


@pytest.fixture
def pair():
    kept = organisation("Cooperativa Il Pane", n=1, is_partner=True)
    duplicate = organisation(
        "Coop. Il Pane", n=2, is_employer=True, email="info@ilpane.example", phone="051 123456"
    )
    return kept, duplicate


@pytest.fixture
def sole_trader():
    return Organisation.objects.create(
        fiscal_code=SOLE_TRADER_CODE,
        name="Ditta Mario Rossi",
        address="Via Indipendenza 1",
        email="mario@rossi.example",
        phone="333 1234567",
        website="https://rossi.example",
        notes="Titolare: Mario Rossi",
        is_employer=True,
    )


class TestMergeService:
    def test_moves_every_related_row_and_keeps_the_history(self, operator, pair, partner):
        kept, duplicate = pair
        ContactPerson.objects.create(organisation=duplicate, name="Anna Bianchi")
        Agreement.objects.create(
            organisation=duplicate, title="Convenzione", starts_on=datetime.date(2024, 1, 1)
        )
        member(duplicate, partner)
        application = application_of(duplicate)
        grant = Grant.objects.create(
            code="G1", application=application, funder=duplicate, amount_awarded=Decimal("10.00")
        )
        duplicate_pk = duplicate.pk

        services.merge_organisations(survivor=kept, duplicate=duplicate, by=operator)

        assert not Organisation.objects.filter(pk=duplicate_pk).exists()
        kept.refresh_from_db()
        assert kept.contacts.get().name == "Anna Bianchi"
        assert kept.agreements.count() == 1
        assert kept.members.get().user == partner
        application.refresh_from_db()
        grant.refresh_from_db()
        assert application.applicant_organisation == kept
        assert grant.funder == kept
        # Empty fields filled, roles united.
        assert kept.email == "info@ilpane.example"
        assert kept.is_partner
        assert kept.is_employer
        survivor_log = LogEntry.objects.get_for_object(kept).get(additional_data__event="merged_in")
        assert survivor_log.additional_data["merged_pk"] == duplicate_pk
        assert survivor_log.actor == operator
        assert LogEntry.objects.filter(
            object_pk=str(duplicate_pk), additional_data__event="merged_into"
        ).exists()

    def test_refused_when_both_records_hold_the_same_user(self, operator, pair, partner):
        kept, duplicate = pair
        member(kept, partner)
        member(duplicate, partner)
        with pytest.raises(ValidationError) as error:
            services.merge_organisations(survivor=kept, duplicate=duplicate, by=operator)
        assert error.value.code == "conflict"
        assert Organisation.objects.filter(pk=duplicate.pk).exists()
        assert OrganisationMember.objects.filter(organisation=duplicate).exists()

    def test_refuses_the_same_record_and_pseudonymised_ones(self, operator, pair, sole_trader):
        kept, _duplicate = pair
        with pytest.raises(ValidationError) as error:
            services.merge_organisations(survivor=kept, duplicate=kept, by=operator)
        assert error.value.code == "same_organisation"
        services.pseudonymise_organisation(organisation=sole_trader, reason="r", by=operator)
        with pytest.raises(ValidationError) as error:
            services.merge_organisations(survivor=kept, duplicate=sole_trader, by=operator)
        assert error.value.code == "pseudonymised"


class TestMergeViews:
    def test_operator_finds_the_other_record_and_keeps_it(self, client_as, operator, pair):
        kept, duplicate = pair
        client = client_as(operator)
        url = reverse("network:merge", args=[duplicate.pk])
        page = client.get(reverse("network:detail", args=[duplicate.pk]))
        assert url in page.content.decode()
        found = client.post(url, {"q": "cooperativa pane"}, **HTMX)
        assert found.status_code == 200
        assert f"?altra={kept.pk}" in found.content.decode()
        assert "<h1>" not in found.content.decode()
        chosen = client.get(url, {"altra": kept.pk})
        assert "Scheda da conservare" in chosen.content.decode()
        response = client.post(url, {"other": kept.pk, "survivor": "other"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("network:detail", args=[kept.pk])
        assert "Le due schede sono state unite." in response.content.decode()
        assert not Organisation.objects.filter(pk=duplicate.pk).exists()

    def test_search_says_when_nothing_matches(self, client_as, operator, pair):
        response = client_as(operator).post(
            reverse("network:merge", args=[pair[0].pk]), {"q": "zzzz"}, **HTMX
        )
        assert "Nessuna organizzazione corrisponde alla ricerca." in response.content.decode()

    def test_conflict_and_bad_input_shown_in_italian(self, client_as, operator, pair, partner):
        kept, duplicate = pair
        member(kept, partner)
        member(duplicate, partner)
        client = client_as(operator)
        url = reverse("network:merge", args=[duplicate.pk])
        response = client.post(url, {"other": kept.pk, "survivor": "other"})
        assert response.status_code == 200
        assert "possono esistere una volta sola" in response.content.decode()
        missing = client.post(url, {"other": kept.pk})
        assert "Scegli la scheda da conservare." in missing.content.decode()
        unknown = client.post(url, {"other": 999999, "survivor": "this"})
        assert "Scegli l&#x27;altra scheda dai risultati della ricerca." in unknown.content.decode()
        assert Organisation.objects.filter(pk=duplicate.pk).exists()

    @pytest.mark.parametrize("role", ["coach", "evaluator", "partner", "funder", "applicant"])
    def test_only_operators_and_administrators_merge(self, request, client_as, pair, role):
        kept, duplicate = pair
        client = client_as(request.getfixturevalue(role))
        url = reverse("network:merge", args=[duplicate.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"other": kept.pk, "survivor": "this"}).status_code == 403
        assert Organisation.objects.filter(pk=duplicate.pk).exists()

    def test_administrator_merges_and_anonymous_is_sent_to_login(
        self, client, client_as, admin_user, pair
    ):
        kept, duplicate = pair
        url = reverse("network:merge", args=[duplicate.pk])
        assert client.get(url).status_code == 302
        response = client_as(admin_user).post(url, {"other": kept.pk, "survivor": "this"})
        assert response.status_code == 302
        assert not Organisation.objects.filter(pk=kept.pk).exists()


class TestPseudonymiseService:
    def test_wipes_identity_and_keeps_counts_and_money(self, operator, sole_trader):
        ContactPerson.objects.create(organisation=sole_trader, name="Mario Rossi", phone="333")
        application = application_of(sole_trader)
        grant = Grant.objects.create(
            code="G1", application=application, funder=organisation(), amount_awarded=Decimal(5)
        )
        Disbursement.objects.create(
            code="E1", grant=grant, paid_on=datetime.date(2024, 5, 1), amount=Decimal(5)
        )
        services.pseudonymise_organisation(
            organisation=sole_trader, reason="richiesta del titolare", by=operator
        )
        sole_trader.refresh_from_db()
        assert sole_trader.is_pseudonymised
        assert sole_trader.fiscal_code != SOLE_TRADER_CODE
        assert sole_trader.name == f"Pseudonimizzato {sole_trader.pk}"
        assert sole_trader.address == sole_trader.email == sole_trader.phone == ""
        assert sole_trader.website == sole_trader.notes == ""
        assert not sole_trader.contacts.exists()
        assert sole_trader.is_employer
        assert sole_trader.applications.get() == application
        assert Disbursement.objects.get().amount == Decimal(5)
        history = LogEntry.objects.filter(
            content_type__app_label="network",
            content_type__model__in=["organisation", "contactperson"],
        )
        assert history.count() >= 3
        assert not history.filter(object_repr__contains="Rossi").exists()
        assert not any(
            SOLE_TRADER_CODE in str(entry.changes) or "Rossi" in str(entry.changes)
            for entry in history
        )
        event = LogEntry.objects.get_for_object(sole_trader).get(
            additional_data__event="pseudonymised"
        )
        assert event.additional_data["reason"] == "richiesta del titolare"
        assert event.actor == operator

    def test_refused_while_a_grant_is_not_fully_paid(self, operator, sole_trader):
        grant = Grant.objects.create(
            code="G1",
            application=application_of(sole_trader),
            funder=organisation(),
            amount_awarded=Decimal("5000.00"),
        )
        Disbursement.objects.create(
            code="E1", grant=grant, paid_on=datetime.date(2024, 5, 1), amount=Decimal("3000.00")
        )
        with pytest.raises(ValidationError) as error:
            services.pseudonymise_organisation(organisation=sole_trader, reason="r", by=operator)
        assert error.value.code == "legal_retention"
        Disbursement.objects.create(
            code="E2", grant=grant, paid_on=datetime.date(2024, 9, 1), amount=Decimal("2000.00")
        )
        services.pseudonymise_organisation(organisation=sole_trader, reason="r", by=operator)

    def test_only_sole_traders_and_only_once(self, operator, sole_trader):
        company = organisation()
        with pytest.raises(ValidationError) as error:
            services.pseudonymise_organisation(organisation=company, reason="r", by=operator)
        assert error.value.code == "not_sole_trader"
        services.pseudonymise_organisation(organisation=sole_trader, reason="r", by=operator)
        with pytest.raises(ValidationError) as error:
            services.pseudonymise_organisation(organisation=sole_trader, reason="r", by=operator)
        assert error.value.code == "done"


class TestPseudonymiseViews:
    def test_operator_erases_with_a_reason(self, client_as, operator, sole_trader):
        client = client_as(operator)
        url = reverse("network:pseudonymise", args=[sole_trader.pk])
        assert url in client.get(reverse("network:detail", args=[sole_trader.pk])).content.decode()
        missing = client.post(url, {"reason": ""})
        assert "Indica il motivo della cancellazione." in missing.content.decode()
        response = client.post(url, {"reason": "richiesta del titolare"}, follow=True)
        page = response.content.decode()
        assert "I dati identificativi della ditta individuale sono stati cancellati." in page
        assert "Mario Rossi" not in page
        assert url not in page
        assert reverse("network:edit", args=[sole_trader.pk]) not in page
        assert client.get(reverse("network:edit", args=[sole_trader.pk])).status_code == 403

    def test_retention_shown_and_enforced(self, client_as, operator, sole_trader):
        Grant.objects.create(
            code="G1",
            application=application_of(sole_trader),
            funder=organisation(),
            amount_awarded=Decimal("5000.00"),
        )
        client = client_as(operator)
        url = reverse("network:pseudonymise", args=[sole_trader.pk])
        assert "i dati devono essere conservati fino ad allora" in client.get(url).content.decode()
        response = client.post(url, {"reason": "richiesta"})
        assert response.status_code == 200
        sole_trader.refresh_from_db()
        assert not sole_trader.is_pseudonymised

    def test_companies_have_no_erasure_page(self, client_as, operator):
        company = organisation()
        client = client_as(operator)
        detail = client.get(reverse("network:detail", args=[company.pk])).content.decode()
        url = reverse("network:pseudonymise", args=[company.pk])
        assert url not in detail
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("role", ["coach", "evaluator", "partner", "funder", "applicant"])
    def test_only_operators_and_administrators_erase(self, request, client_as, sole_trader, role):
        client = client_as(request.getfixturevalue(role))
        url = reverse("network:pseudonymise", args=[sole_trader.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "r"}).status_code == 403
        sole_trader.refresh_from_db()
        assert not sole_trader.is_pseudonymised

    def test_administrator_erases(self, client_as, admin_user, sole_trader):
        url = reverse("network:pseudonymise", args=[sole_trader.pk])
        assert client_as(admin_user).post(url, {"reason": "r"}).status_code == 302
        sole_trader.refresh_from_db()
        assert sole_trader.is_pseudonymised
