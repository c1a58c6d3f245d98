"""The pages for the final report and for correcting expenses and payments."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from insieme.core.money import eur
from insieme.grants import services
from insieme.grants.models import Disbursement, ExpenseItem, ExpenseStatus, FinalReport, Fund
from insieme.grants.services import TranchePlan
from insieme.grants.tests.test_services import PDF, expense
from insieme.projects.tests import factories as f

D = Decimal


def logged_in(user) -> Client:
    """A client of its own: the project and the office act side by side."""
    client = Client()
    client.force_login(user)
    return client


def grant_on_report(operator, project):
    return services.award_grant(
        application=project.application,
        fund=f.fund("10000.00"),
        amount=D("5000.00"),
        awarded_on=date(2025, 3, 1),
        tranches=[
            TranchePlan(percentage=D("40")),
            TranchePlan(percentage=D("60"), condition="relazione_finale", description="saldo"),
        ],
        by=operator,
    )


def test_the_award_form_offers_every_condition_in_italian(cast, client_as):
    project = f.project()
    page = client_as(cast["operator"]).get(reverse("grants:award", args=[project.pk]))
    assert "- Scegli -" in page.text
    assert "Select an option" not in page.text
    for label in (
        "Nessuna: erogabile alla concessione o all&#x27;avvio",
        "Spese approvate di almeno un importo",
        "Spese approvate di almeno una quota del contributo",
        "Relazione finale approvata",
    ):
        assert label in page.text


def test_award_40_at_start_and_60_on_the_final_report_through_the_form(cast, client_as):
    project = f.project()
    fund = f.fund("10000.00")
    data = {
        "fund": fund.pk,
        "amount": "5.000,00",
        "awarded_on": "2025-03-01",
        "rate-TOTAL_FORMS": "2",
        "rate-INITIAL_FORMS": "0",
        "rate-0-percentage": "40",
        "rate-0-condition": "nessuna",
        "rate-1-percentage": "50",
        "rate-1-condition": "relazione_finale",
        "rate-1-description": "saldo",
    }
    client = client_as(cast["operator"])
    refused = client.post(reverse("grants:award", args=[project.pk]), data)
    assert refused.status_code == 400
    assert "Le percentuali delle rate sommano al 90%: devono sommare al 100%." in refused.text
    client.post(reverse("grants:award", args=[project.pk]), {**data, "rate-1-percentage": "60"})
    tranches = list(fund.grants.get().tranches.values_list("planned", "condition"))
    assert tranches == [(D("2000.00"), "nessuna"), (D("3000.00"), "relazione_finale")]


def test_final_report_submitted_by_the_project_and_approved_by_the_operator(
    cast, client_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    project = f.project(reporting=[cast["applicant"]])
    grant = grant_on_report(cast["operator"], project)
    url = reverse("grants:grant_detail", args=[grant.pk])
    project_side = logged_in(cast["applicant"])
    page = project_side.get(url)
    assert "il progetto non ha ancora presentato la relazione finale" in page.text
    wrong = project_side.post(
        reverse("grants:final_report_add", args=[grant.pk]),
        {
            "summary": "Fatto",
            "document": SimpleUploadedFile("r.pdf", b"not a pdf", content_type="application/pdf"),
        },
    )
    assert wrong.status_code == 400
    assert "Il file non è un documento PDF, ODT, DOCX, PNG o JPEG." in wrong.text
    project_side.post(
        reverse("grants:final_report_add", args=[grant.pk]),
        {
            "summary": "Attività concluse",
            "document": SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        },
    )
    report = FinalReport.objects.get()
    assert (
        project_side.post(
            reverse("grants:final_report_review", args=[report.pk]), {"decision": "approva"}
        ).status_code
        == 403
    )
    office = logged_in(cast["operator"])
    page = office.post(
        reverse("grants:final_report_review", args=[report.pk]),
        {"decision": "approva", "reason": ""},
        follow=True,
    )
    assert "Relazione finale esaminata." in page.text
    # The balance also waits until the approved expenses cover the grant.
    services.review_expense(
        item=expense(grant, "5000.00", cast["applicant"]), approve=True, by=cast["operator"]
    )
    second = grant.tranches.get(position=2)
    page = office.post(
        reverse("grants:tranche_pay", args=[second.pk]), {"paid_on": "2025-09-01"}, follow=True
    )
    assert f"Rata 2 (saldo) erogata: {eur(Decimal('3000.00'))}." in page.text
    download = project_side.get(reverse("grants:final_report_document", args=[report.pk]))
    assert download.status_code == 200
    assert logged_in(cast["outsider"]).get(
        reverse("grants:final_report_document", args=[report.pk])
    ).status_code in (403, 404)


def test_a_bad_payment_form_says_which_tranche_and_what_is_wrong(cast, client_as):
    grant = grant_on_report(cast["operator"], f.project())
    first = grant.tranches.get(position=1)
    page = client_as(cast["operator"]).post(
        reverse("grants:tranche_pay", args=[first.pk]),
        {"paid_on": "", "amount": "duemila"},
        follow=True,
    )
    assert "Rata 1 non erogata: Data di pagamento: Questo campo è obbligatorio." in page.text
    assert "Rata 1 non erogata: Importo erogato (EUR): Inserisci un importo come 1.250,50." in (
        page.text
    )
    assert not Disbursement.objects.exists()


def test_the_operator_cancels_a_payment_and_the_page_keeps_it(cast, client_as):
    grant = grant_on_report(cast["operator"], f.project())
    payment = services.pay_tranche(
        tranche=grant.tranches.get(position=1), paid_on=date(2025, 3, 2), by=cast["operator"]
    )
    url = reverse("grants:disbursement_cancel", args=[payment.pk])
    assert logged_in(cast["coach"]).post(url, {"reason": "x"}).status_code == 403
    office = logged_in(cast["operator"])
    page = office.post(url, {"reason": ""}, follow=True)
    assert f"Indica perché l&#x27;erogazione {payment.code} viene annullata." in page.text
    page = office.post(url, {"reason": "Bonifico respinto dalla banca"}, follow=True)
    assert (
        f"Erogazione {payment.code} annullata: i suoi {eur(Decimal('2000.00'))} tornano impegnati ma non "
        "erogati." in page.text
    )
    assert "Bonifico respinto dalla banca" in page.text
    row = Fund.objects.with_ledger().get(pk=grant.fund_id)
    assert (row.committed, row.paid, row.available) == (D("5000.00"), D("0.00"), D("5000.00"))
    again = office.post(url, {"reason": "ancora"}, follow=True)
    assert f"L&#x27;erogazione {payment.code} è già stata annullata." in again.text


def test_expense_corrected_by_the_project_then_reopened_by_the_operator(
    cast, client_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    project = f.project(reporting=[cast["applicant"]])
    grant = grant_on_report(cast["operator"], project)
    item = expense(grant, "100.00", cast["applicant"])
    project_side = logged_in(cast["applicant"])
    edit = reverse("grants:expense_edit", args=[item.pk])
    assert project_side.get(edit).status_code == 200
    data = {
        "supplier": "Tipografia Bolognese",
        "invoice_number": "FT-8",
        "invoice_date": "2025-04-02",
        "description": "Volantini",
        "category": "comunicazione",
        "amount": "120,00",
    }
    project_side.post(edit, data)
    item.refresh_from_db()
    assert (item.invoice_number, item.amount) == ("FT-8", D("120.00"))
    office = logged_in(cast["operator"])
    office.post(reverse("grants:expense_review", args=[item.pk]), {"decision": "approva"})
    page = project_side.post(edit, data)
    assert page.status_code == 400
    assert "è già stata esaminata: chiedi a un operatore di riaprirla" in page.text
    assert (
        project_side.post(
            reverse("grants:expense_reopen", args=[item.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    page = office.post(
        reverse("grants:expense_reopen", args=[item.pk]),
        {"reason": "Importo da verificare"},
        follow=True,
    )
    assert "Spesa riaperta: torna in attesa di esame." in page.text
    item.refresh_from_db()
    assert item.status == ExpenseStatus.PENDING
    page = project_side.post(reverse("grants:expense_delete", args=[item.pk]), follow=True)
    assert "Spesa ritirata." in page.text
    assert not ExpenseItem.objects.exists()


def test_a_tranche_on_a_milestone_through_the_form_and_its_milestone_kept(cast, client_as):
    from insieme.projects import services as projects

    project = f.project()
    fund = f.fund("10000.00")
    opening = projects.add_milestone(
        project=project, title="Apertura", due_on=date(2025, 9, 30), by=cast["operator"]
    )
    client = client_as(cast["operator"])
    form = client.get(reverse("grants:award", args=[project.pk]))
    assert "Tappa (per la condizione sulla tappa)" in form.text
    data = {
        "fund": fund.pk,
        "amount": "4.000,00",
        "awarded_on": "2025-03-01",
        "rate-TOTAL_FORMS": "2",
        "rate-INITIAL_FORMS": "0",
        "rate-0-percentage": "50",
        "rate-0-condition": "nessuna",
        "rate-1-percentage": "50",
        "rate-1-condition": "tappa",
    }
    missing = client.post(reverse("grants:award", args=[project.pk]), data)
    assert missing.status_code == 400
    assert "Scegli la tappa che sblocca la rata." in missing.text
    client.post(
        reverse("grants:award", args=[project.pk]), {**data, "rate-1-milestone": opening.pk}
    )
    grant = fund.grants.get()
    assert grant.tranches.get(position=2).milestone == opening
    page = client.get(reverse("grants:grant_detail", args=[grant.pk]))
    assert "Tappa raggiunta: Apertura" in page.text
    refused = client.post(reverse("projects:milestone_delete", args=[opening.pk]), follow=True)
    assert refused.status_code == 200
    assert f"La tappa sblocca la rata 2 del contributo {grant.code}: non si può eliminare." in (
        refused.text
    )
    opening.refresh_from_db()
