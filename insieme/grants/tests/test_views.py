from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.core.decimals import parse_amount
from insieme.core.money import eur
from insieme.grants import services
from insieme.grants.models import (
    DeMinimisDeclaration,
    ExpenseItem,
    ExpenseStatus,
    Fund,
    Grant,
    Microcredit,
)
from insieme.grants.services import TranchePlan
from insieme.projects.tests import factories as f

D = Decimal
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_grant(operator, project=None, fund=None, amount="5000.00"):
    return services.award_grant(
        application=(project or f.project()).application,
        fund=fund or f.fund(),
        amount=D(amount),
        awarded_on=date(2025, 3, 1),
        tranches=[
            TranchePlan(percentage=D("40")),
            TranchePlan(percentage=D("60"), condition="spese_approvate", threshold=D("3000")),
        ],
        by=operator,
    )


def expense_data(**extra):
    return {
        "supplier": "Tipografia Bolognese",
        "invoice_number": "FT-7",
        "invoice_date": "2025-04-02",
        "description": "Volantini",
        "category": "comunicazione",
        "amount": "1.200,50",
        "attachment": SimpleUploadedFile("fattura.pdf", PDF, content_type="application/pdf"),
        **extra,
    }


def test_amounts_are_read_the_italian_way():
    assert parse_amount("5.000,00") == "5000.00"
    assert parse_amount("€ 5.000") == "5000"
    assert parse_amount("5000,5") == "5000.5"
    assert parse_amount("5000.50") == "5000.50"
    assert parse_amount("1.250.000") == "1250000"


# Roles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["coach", "evaluator", "funder", "applicant", "partner", "outsider"]
)
def test_fund_pages_are_for_operators_and_admins(cast, client_as, role):
    fund = f.fund()
    project = f.project(coaches=[cast["coach"]])
    client = client_as(cast[role])
    for url in [
        reverse("grants:fund_list"),
        reverse("grants:fund_create"),
        reverse("grants:fund_detail", args=[fund.pk]),
        reverse("grants:award", args=[project.pk]),
        reverse("grants:microcredit_add", args=[project.pk]),
        reverse("grants:de_minimis"),
        reverse("grants:de_minimis_undertaking", args=[fund.funder.pk]),
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_fund_pages_work_for_operators_and_admins(cast, client_as, role):
    grant = make_grant(cast["operator"])
    client = client_as(cast[role])
    for url in [
        reverse("grants:fund_list"),
        reverse("grants:fund_create"),
        reverse("grants:fund_detail", args=[grant.fund.pk]),
        reverse("grants:award", args=[grant.application.project.pk]),
        reverse("grants:microcredit_add", args=[grant.application.project.pk]),
        reverse("grants:de_minimis"),
        reverse("grants:de_minimis_undertaking", args=[grant.beneficiary.pk]),
        reverse("grants:grant_detail", args=[grant.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_pages_require_login(client, db, operator):
    grant = make_grant(operator)
    for url in [
        reverse("grants:fund_list"),
        reverse("grants:grant_detail", args=[grant.pk]),
        reverse("grants:my_grants"),
        reverse("grants:de_minimis"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_grant_visible_to_its_coach_and_applicant_only(cast, client_as):
    grant = make_grant(
        cast["operator"], f.project(coaches=[cast["coach"]], reporting=[cast["applicant"]])
    )
    other = make_grant(cast["operator"])
    for role in ("coach", "applicant"):
        client = client_as(cast[role])
        assert client.get(reverse("grants:grant_detail", args=[grant.pk])).status_code == 200
        assert client.get(reverse("grants:grant_detail", args=[other.pk])).status_code == 404
        listing = client.get(reverse("grants:my_grants"))
        assert grant.code in listing.text
        assert other.code not in listing.text
    for role in ("evaluator", "funder", "partner", "outsider"):
        assert (
            client_as(cast[role]).get(reverse("grants:grant_detail", args=[grant.pk])).status_code
            == 403
        )


# Funds and awards -----------------------------------------------------------------------------


def test_operator_creates_a_fund(cast, client_as):
    funder = f.organisation("Fondazione San Petronio", is_funder=True)
    client = client_as(cast["operator"])
    response = client.post(
        reverse("grants:fund_create"),
        {
            "funder": funder.pk,
            "name": "Fondo 2025",
            "instrument": "grant",
            "budget": "140.000,00",
            "de_minimis": "on",
        },
    )
    fund = Fund.objects.get()
    assert response.url == reverse("grants:fund_detail", args=[fund.pk])
    assert fund.budget == D("140000.00")
    assert fund.de_minimis
    bad = client.post(
        reverse("grants:fund_create"),
        {"funder": funder.pk, "name": "X", "instrument": "grant", "budget": "tanti"},
    )
    assert bad.status_code == 400
    assert "Inserisci un importo come 1.250,50." in bad.text


def test_award_through_the_form_with_two_tranches(cast, client_as):
    project = f.project()
    fund = f.fund("8000.00")
    client = client_as(cast["operator"])
    url = reverse("grants:award", args=[project.pk])
    data = {
        "fund": fund.pk,
        "amount": "8.000,00",
        "awarded_on": "2025-03-01",
        "conditions": "",
        "rate-TOTAL_FORMS": "3",
        "rate-INITIAL_FORMS": "0",
        "rate-MIN_NUM_FORMS": "0",
        "rate-MAX_NUM_FORMS": "6",
        "rate-0-percentage": "40",
        "rate-0-condition": "nessuna",
        "rate-1-percentage": "60",
        "rate-1-condition": "spese_approvate",
        "rate-1-threshold": "8.000,00",
        "rate-2-condition": "nessuna",
    }
    response = client.post(url, data)
    grant = Grant.objects.get()
    assert response.url == reverse("grants:grant_detail", args=[grant.pk])
    assert [t.planned_amount for t in grant.tranches.all()] == [D("3200.00"), D("4800.00")]
    refused = client.post(
        url,
        {
            **data,
            "amount": "0,01",
            "rate-0-percentage": "100",
            "rate-1-percentage": "",
            "rate-1-condition": "nessuna",
            "rate-1-threshold": "",
        },
    )
    assert refused.status_code == 400
    assert f"ha {eur(Decimal('0.00'))} disponibili" in refused.text
    missing = client.post(url, {**data, "rate-1-threshold": ""})
    assert "Indica la soglia di spese approvate che sblocca la rata." in missing.text
    assert Grant.objects.count() == 1


def test_fund_list_shows_the_ledger_to_the_cent(cast, client_as):
    grant = make_grant(cast["operator"], fund=f.fund("10000.00"), amount="3333.35")
    services.record_disbursement(
        grant=grant,
        tranche=grant.tranches.first(),
        paid_on=date(2025, 3, 2),
        amount=D("1333.34"),
        by=cast["operator"],
    )
    page = client_as(cast["operator"]).get(reverse("grants:fund_list"))
    for figure in ("10.000,00", "3.333,35", "1.333,34", "6.666,65"):
        assert figure in page.text


def test_fund_list_query_count_does_not_grow(cast, client_as):
    client = client_as(cast["operator"])
    make_grant(cast["operator"])
    url = reverse("grants:fund_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        make_grant(cast["operator"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_fund_detail_and_my_grants_query_counts_do_not_grow(cast, client_as):
    fund = f.fund("100000.00")
    project = f.project(reporting=[cast["applicant"]])
    make_grant(cast["operator"], project=project, fund=fund)
    pages = [
        (cast["operator"], reverse("grants:fund_detail", args=[fund.pk])),
        (cast["applicant"], reverse("grants:my_grants")),
        (cast["operator"], reverse("grants:de_minimis")),
    ]
    counts = []
    for user, url in pages:
        client = client_as(user)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    for _ in range(3):
        other = f.project(reporting=[cast["applicant"]])
        make_grant(cast["operator"], project=other, fund=fund)
    for (user, url), before in zip(pages, counts, strict=True):
        client = client_as(user)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == before, url


# Expenses ------------------------------------------------------------------------------------------


def test_applicant_reports_an_expense_and_operator_reviews_it(cast, client_as):
    grant = make_grant(cast["operator"], f.project(reporting=[cast["applicant"]]))
    applicant = client_as(cast["applicant"])
    response = applicant.post(reverse("grants:expense_add", args=[grant.pk]), expense_data())
    assert response.status_code == 302
    item = ExpenseItem.objects.get()
    assert (item.amount, item.on_behalf, item.status) == (
        D("1200.50"),
        False,
        ExpenseStatus.PENDING,
    )
    assert not item.attachment.name.endswith("fattura.pdf")
    download = applicant.get(reverse("grants:expense_attachment", args=[item.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert (
        applicant.post(
            reverse("grants:expense_review", args=[item.pk]), {"decision": "approva"}
        ).status_code
        == 403
    )
    operator = client_as(cast["operator"])
    page = operator.post(
        reverse("grants:expense_review", args=[item.pk]),
        {"decision": "respingi", "reason": ""},
        follow=True,
    )
    assert "Indica perché la spesa è respinta." in page.text
    operator.post(
        reverse("grants:expense_review", args=[item.pk]),
        {"decision": "respingi", "reason": "Fattura non intestata"},
    )
    item.refresh_from_db()
    assert (item.status, item.review_reason) == (ExpenseStatus.REJECTED, "Fattura non intestata")


def test_attachment_is_checked_on_its_content(cast, client_as):
    grant = make_grant(cast["operator"], f.project(reporting=[cast["applicant"]]))
    fake = SimpleUploadedFile(
        "fattura.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client_as(cast["applicant"]).post(
        reverse("grants:expense_add", args=[grant.pk]), expense_data(attachment=fake)
    )
    assert response.status_code == 400
    assert "Il file non è un documento PDF, PNG o JPEG." in response.text
    assert not ExpenseItem.objects.exists()


def test_operator_enters_expenses_on_the_projects_behalf(cast, client_as):
    grant = make_grant(cast["operator"])
    page = client_as(cast["operator"]).post(
        reverse("grants:expense_add", args=[grant.pk]), expense_data(), follow=True
    )
    item = ExpenseItem.objects.get()
    assert item.on_behalf
    assert item.entered_by == cast["operator"]
    assert "per conto del progetto" in page.text


def test_coach_reads_but_cannot_report_or_pay(cast, client_as):
    grant = make_grant(cast["operator"], f.project(coaches=[cast["coach"]]))
    client = client_as(cast["coach"])
    assert (
        client.post(reverse("grants:expense_add", args=[grant.pk]), expense_data()).status_code
        == 403
    )
    tranche = grant.tranches.first()
    assert (
        client.post(
            reverse("grants:tranche_pay", args=[tranche.pk]), {"paid_on": "2025-03-02"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("grants:revoke", args=[grant.pk]),
            {"kind": "revoca", "decided_on": "2025-03-02", "reason": "x"},
        ).status_code
        == 403
    )


# Payments and revocations ------------------------------------------------------------------------


def test_pay_tranches_through_the_page(cast, client_as):
    grant = make_grant(cast["operator"])
    first, second = grant.tranches.all()
    client = client_as(cast["operator"])
    client.post(reverse("grants:tranche_pay", args=[first.pk]), {"paid_on": "2025-03-02"})
    assert grant.disbursements.get().amount == D("2000.00")
    page = client.post(
        reverse("grants:tranche_pay", args=[second.pk]), {"paid_on": "2025-03-02"}, follow=True
    )
    assert (
        f"Rata 2 non è ancora erogabile: le spese approvate sono {eur(Decimal('0.00'))}, ne servono almeno "
        f"{eur(Decimal('3000.00'))}: mancano {eur(Decimal('3000.00'))}." in page.text
    )
    assert grant.disbursements.count() == 1


def test_revocation_through_the_page_frees_the_fund(cast, client_as):
    fund = f.fund("5000.00")
    grant = make_grant(cast["operator"], fund=fund)
    client = client_as(cast["operator"])
    bad = client.post(
        reverse("grants:revoke", args=[grant.pk]),
        {"kind": "riduzione", "decided_on": "2025-05-01", "reason": "x"},
    )
    assert bad.status_code == 400
    assert "Indica l&#x27;importo della riduzione." in bad.text
    client.post(
        reverse("grants:revoke", args=[grant.pk]),
        {"kind": "revoca", "decided_on": "2025-05-01", "reason": "Rinuncia"},
    )
    grant.refresh_from_db()
    assert grant.amount_revoked == D("5000.00")
    assert Fund.objects.with_ledger().get(pk=fund.pk).available == D("5000.00")


# Microcredit and de minimis ------------------------------------------------------------------------


def test_microcredit_through_the_pages(cast, client_as):
    project = f.project()
    lender = f.organisation("MAG Bologna")
    client = client_as(cast["operator"])
    url = reverse("grants:microcredit_add", args=[project.pk])
    client.post(
        url,
        {
            "lender": lender.pk,
            "amount": "25.000,00",
            "term_months": "60",
            "requested_on": "2025-02-01",
        },
    )
    loan = Microcredit.objects.get()
    client.post(
        reverse("grants:microcredit_move", args=[loan.pk]), {"to": "concesso", "on": "2025-03-01"}
    )
    loan.refresh_from_db()
    assert loan.status == "concesso"
    assert loan.granted_on == date(2025, 3, 1)
    page = client.post(
        reverse("grants:microcredit_move", args=[loan.pk]),
        {"to": "rimborsato", "on": "2025-03-01"},
        follow=True,
    )
    assert "non può diventare" in page.text
    assert "MAG Bologna" in client.get(reverse("projects:detail", args=[project.pk])).text


def test_de_minimis_declaration_is_stored(cast, client_as):
    undertaking = f.organisation("Coop Sole")
    client = client_as(cast["operator"])
    url = reverse("grants:de_minimis_undertaking", args=[undertaking.pk])
    client.post(
        url,
        {
            "grantor": "Regione Emilia-Romagna",
            "granted_on": "2024-05-01",
            "amount": "12.000,00",
            "declared_on": "2025-01-10",
        },
    )
    declaration = DeMinimisDeclaration.objects.get()
    assert (declaration.amount, declaration.recorded_by) == (D("12000.00"), cast["operator"])
    assert "Regione Emilia-Romagna" in client.get(url).text
    assert "Coop Sole" in client.get(reverse("grants:de_minimis")).text
    bad = client.post(url, {"grantor": "", "granted_on": "x", "amount": "-1", "declared_on": ""})
    assert bad.status_code == 400
    assert "Questo campo è obbligatorio." in bad.text


def test_the_applications_own_account_and_the_organisations_members_report(cast, client_as):
    from conftest import make_user
    from insieme.accounts.models import Role
    from insieme.network.models import OrganisationMember

    coop = f.organisation("Coop Il Ponte")
    project = f.project(applicant=coop)
    project.application.owner = cast["applicant"]
    project.application.save(update_fields=["owner"])
    member = make_user("socia@example.org", Role.APPLICANT)
    OrganisationMember.objects.create(organisation=coop, user=member)
    stranger = make_user("altra@example.org", Role.APPLICANT)
    grant = make_grant(cast["operator"], project)
    for user in (cast["applicant"], member):
        response = client_as(user).post(
            reverse("grants:expense_add", args=[grant.pk]), expense_data()
        )
        assert response.status_code == 302
    assert not grant.expenses.filter(on_behalf=True).exists()
    assert grant.expenses.count() == 2
    client = client_as(stranger)
    assert client.get(reverse("grants:grant_detail", args=[grant.pk])).status_code == 404
    assert (
        client.post(reverse("grants:expense_add", args=[grant.pk]), expense_data()).status_code
        == 404
    )


@pytest.mark.parametrize(
    "role", ["coach", "evaluator", "funder", "applicant", "partner", "outsider"]
)
def test_money_actions_are_refused_to_other_roles(cast, client_as, role):
    grant = make_grant(
        cast["operator"], f.project(coaches=[cast["coach"]], reporting=[cast["applicant"]])
    )
    project = grant.application.project
    loan = services.request_microcredit(
        application=project.application,
        lender=f.organisation(),
        amount=D("1000"),
        term_months=12,
        requested_on=date(2025, 1, 1),
        by=cast["operator"],
    )
    item = services.submit_expense(
        grant=grant,
        supplier="x",
        invoice_number="1",
        invoice_date=date(2025, 4, 1),
        description="x",
        category="altro",
        amount=D("10"),
        attachment=SimpleUploadedFile("f.pdf", PDF),
        by=cast["operator"],
    )
    client = client_as(cast[role])
    posts = [
        (reverse("grants:fund_create"), {"name": "x"}),
        (reverse("grants:award", args=[project.pk]), {}),
        (reverse("grants:microcredit_add", args=[project.pk]), {}),
        (
            reverse("grants:microcredit_move", args=[loan.pk]),
            {"to": "concesso", "on": "2025-02-01"},
        ),
        (reverse("grants:de_minimis_undertaking", args=[grant.beneficiary.pk]), {}),
        (reverse("grants:expense_review", args=[item.pk]), {"decision": "approva"}),
        (
            reverse("grants:tranche_pay", args=[grant.tranches.first().pk]),
            {"paid_on": "2025-03-02"},
        ),
        (
            reverse("grants:revoke", args=[grant.pk]),
            {"kind": "revoca", "decided_on": "2025-03-02", "reason": "x"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    loan.refresh_from_db()
    item.refresh_from_db()
    grant.refresh_from_db()
    assert (loan.status, item.status, grant.amount_revoked) == ("richiesto", "da_esaminare", D("0"))
    assert not grant.disbursements.exists()
    assert Fund.objects.count() == 1


def test_grant_page_query_count_does_not_grow(cast, client_as):
    grant = make_grant(cast["operator"])
    client = client_as(cast["operator"])
    url = reverse("grants:grant_detail", args=[grant.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        item = services.submit_expense(
            grant=grant,
            supplier=f"S{n}",
            invoice_number=str(n),
            invoice_date=date(2025, 4, 1),
            description="x",
            category="altro",
            amount=D("1000"),
            attachment=SimpleUploadedFile("f.pdf", PDF),
            by=cast["operator"],
        )
        services.review_expense(item=item, approve=True, by=cast["operator"])
    services.pay_tranche(
        tranche=grant.tranches.first(), paid_on=date(2025, 5, 1), by=cast["operator"]
    )
    services.revoke_grant(
        grant=grant,
        kind="riduzione",
        amount=D("1"),
        decided_on=date(2025, 6, 1),
        reason="x",
        by=cast["operator"],
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(few) == len(many)
    assert "S3" in page.text


def test_an_imported_grant_without_project_row_still_shows(cast, client_as):
    application = f.application("Importato dal foglio")
    funder = f.organisation("Fondazione")
    grant = Grant.objects.create(
        code="C-IMP-1", application=application, funder=funder, amount_awarded=D("1000.00")
    )
    page = client_as(cast["operator"]).get(reverse("grants:grant_detail", args=[grant.pk]))
    assert page.status_code == 200
    assert "Importato dal foglio" in page.text


# The funder's own ledger ------------------------------------------------------------------------


def test_a_funder_sees_only_its_own_funds_ledger_and_no_names(cast, client_as):
    from insieme.network.models import OrganisationMember

    funder_org = f.organisation("Fondazione San Petronio", is_funder=True)
    OrganisationMember.objects.create(organisation=funder_org, user=cast["funder"])
    own = f.fund("10000.00", funder=funder_org, name="Fondo avvio impresa")
    other = f.fund("5000.00", name="Fondo di altri")
    project = f.project("Bottega del riuso")
    grant = make_grant(cast["operator"], project=project, fund=own, amount="4000.00")
    services.pay_tranche(
        tranche=grant.tranches.first(), paid_on=date(2025, 4, 1), by=cast["operator"]
    )
    make_grant(cast["operator"], fund=other, amount="1000.00")
    page = client_as(cast["funder"]).get(reverse("grants:funder_ledger")).content.decode()
    assert "Fondo avvio impresa" in page
    assert "Fondo di altri" not in page
    for figure in ("10.000,00", "4.000,00", "1.600,00", "6.000,00"):
        assert figure in page
    assert "Bottega del riuso" not in page
    assert grant.code not in page
    assert reverse("grants:fund_detail", args=[own.pk]) not in page


def test_a_funder_without_an_organisation_sees_an_empty_ledger(cast, client_as):
    f.fund("10000.00")
    page = client_as(cast["funder"]).get(reverse("grants:funder_ledger")).content.decode()
    assert "Nessun fondo è ancora collegato alla tua organizzazione" in page


def test_the_funder_ledger_is_for_funders_only(cast, client_as, client):
    url = reverse("grants:funder_ledger")
    assert client.get(url).status_code == 302
    for role in ("coach", "applicant", "partner", "outsider", "evaluator"):
        assert client_as(cast[role]).get(url).status_code == 403, role
    # The funder is refused the operator's pages with names and projects.
    assert client_as(cast["funder"]).get(reverse("grants:fund_list")).status_code == 403


def test_funder_ledger_query_count_does_not_grow(cast, client_as):
    from insieme.network.models import OrganisationMember

    funder_org = f.organisation("Fondazione San Petronio", is_funder=True)
    OrganisationMember.objects.create(organisation=funder_org, user=cast["funder"])
    client = client_as(cast["funder"])
    url = reverse("grants:funder_ledger")
    f.fund("1000.00", funder=funder_org)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        fund = f.fund("9000.00", funder=funder_org, name=f"Fondo {n}")
        make_grant(cast["operator"], fund=fund)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_grant_page_has_one_field_per_id(cast, client_as):
    """The expense and the revocation forms both have an amount: each label finds its own."""
    grant = make_grant(cast["operator"])
    page = client_as(cast["operator"]).get(reverse("grants:grant_detail", args=[grant.pk]))
    html = page.content.decode()
    assert html.count('id="id_amount"') == 1
    assert html.count('id="revoca-amount"') == 1


def test_the_project_page_shows_its_grants_panel_from_grants(cast, client_as):
    """Projects imports nothing of grants: the panel comes from GrantsConfig.ready's registration."""
    project, other = f.project(), f.project()
    grant = make_grant(cast["operator"], project=project)
    client = client_as(cast["operator"])
    page = client.get(reverse("projects:detail", args=[project.pk])).text
    assert "Contributi e microcredito" in page
    assert reverse("grants:grant_detail", args=[grant.pk]) in page
    assert f"{eur(Decimal('5000.00'))} netti" in page
    assert reverse("grants:award", args=[project.pk]) in page
    assert "Nessun contributo né microcredito finora." not in page
    empty = client.get(reverse("projects:detail", args=[other.pk])).text
    assert "Nessun contributo né microcredito finora." in empty
    assert reverse("grants:grant_detail", args=[grant.pk]) not in empty
