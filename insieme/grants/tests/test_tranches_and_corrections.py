"""Tranche conditions, the final report, reductions against the plan, and corrections."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from insieme.core.money import eur
from insieme.grants import services
from insieme.grants.models import (
    Disbursement,
    ExpenseItem,
    ExpenseStatus,
    Fund,
    RevocationKind,
    TrancheCondition,
)
from insieme.grants.services import TranchePlan
from insieme.grants.tests.test_services import PDF, award, expense
from insieme.projects.tests import factories as f

D = Decimal
START_AND_REPORT = [
    TranchePlan(percentage=D("40"), description="anticipo"),
    TranchePlan(percentage=D("60"), condition=TrancheCondition.FINAL_REPORT, description="saldo"),
]


@pytest.fixture(autouse=True)
def italian(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("it"):
        yield


def ledger(fund: Fund):
    return Fund.objects.with_ledger().get(pk=fund.pk)


def report(grant, by, summary="Attività svolte e risultati"):
    return services.submit_final_report(
        grant=grant,
        summary=summary,
        document=SimpleUploadedFile("relazione.pdf", PDF, content_type="application/pdf"),
        by=by,
    )


def states(grant):
    return {s.tranche.position: s for s in services.tranche_schedule(grant)}


def refusal(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value


# The plan ------------------------------------------------------------------------------------


def test_percentages_must_add_up_to_100(operator):
    error = refusal(
        award,
        project=f.project(),
        fund=f.fund(),
        by=operator,
        plan=[TranchePlan(percentage=D("40")), TranchePlan(percentage=D("50"))],
    )
    assert error.code == "plan_mismatch"
    assert error.messages == ["Le percentuali delle rate sommano al 90%: devono sommare al 100%."]


def test_rounding_cents_go_to_the_last_tranche(operator):
    thirds = [TranchePlan(percentage=D("33.33"))] * 2 + [TranchePlan(percentage=D("33.34"))]
    grant = award(f.project(), f.fund(), "1000.01", by=operator, plan=thirds)
    planned = [t.planned for t in grant.tranches.all()]
    assert planned == [D("333.30"), D("333.30"), D("333.41")]
    assert sum(planned) == grant.amount_awarded


def test_a_share_threshold_cannot_exceed_100(operator):
    plan = [
        TranchePlan(
            percentage=D("100"), condition=TrancheCondition.EXPENSES_SHARE, threshold=D("120")
        )
    ]
    error = refusal(award, project=f.project(), fund=f.fund(), by=operator, plan=plan)
    assert error.code == "tranche_share"
    assert "Rata 1" in error.messages[0]


# Conditions ----------------------------------------------------------------------------------


def test_forty_at_start_sixty_on_the_approved_final_report(operator, applicant):
    fund = f.fund("10000.00")
    grant = award(
        f.project(reporting=[applicant]), fund, "5000.00", by=operator, plan=START_AND_REPORT
    )
    first, second = grant.tranches.all()
    assert states(grant)[1].payable
    assert not states(grant)[2].condition_met

    services.pay_tranche(tranche=first, paid_on=date(2025, 3, 2), by=operator)
    error = refusal(services.pay_tranche, tranche=second, paid_on=date(2025, 9, 1), by=operator)
    assert error.code == "condition_not_met"
    assert error.messages == [
        "Rata 2 (saldo) non è ancora erogabile: il progetto non ha ancora presentato "
        "la relazione finale."
    ]

    submitted = report(grant, applicant)
    error = refusal(services.pay_tranche, tranche=second, paid_on=date(2025, 9, 1), by=operator)
    assert "presentata ma non ancora approvata" in error.messages[0]
    services.review_final_report(
        report=submitted, approve=False, reason="Manca il bilancio", by=operator
    )
    error = refusal(services.pay_tranche, tranche=second, paid_on=date(2025, 9, 1), by=operator)
    assert "respinta" in error.messages[0]

    services.review_final_report(report=report(grant, applicant), approve=True, by=operator)
    # The report is approved; the balance also waits until the expenses cover the grant.
    error = refusal(services.pay_tranche, tranche=second, paid_on=date(2025, 9, 1), by=operator)
    assert error.code == "expenses_not_covering"
    services.review_expense(item=expense(grant, "5000.00", applicant), approve=True, by=operator)
    payment = services.pay_tranche(tranche=second, paid_on=date(2025, 9, 1), by=operator)
    assert payment.amount == D("3000.00")
    row = ledger(fund)
    assert (row.committed, row.paid, row.available) == (D("5000.00"), D("5000.00"), D("5000.00"))


def test_expenses_as_a_share_of_the_net_amount(operator, applicant):
    plan = [
        TranchePlan(percentage=D("50")),
        TranchePlan(
            percentage=D("50"), condition=TrancheCondition.EXPENSES_SHARE, threshold=D("80")
        ),
    ]
    grant = award(f.project(reporting=[applicant]), f.fund(), "5000.00", by=operator, plan=plan)
    services.review_expense(item=expense(grant, "3999.99", applicant), approve=True, by=operator)
    error = refusal(
        services.pay_tranche,
        tranche=grant.tranches.get(position=2),
        paid_on=date(2025, 9, 1),
        by=operator,
    )
    assert error.messages == [
        f"Rata 2 non è ancora erogabile: le spese approvate sono {eur(Decimal('3999.99'))}, ne servono "
        f"{eur(Decimal('4000.00'))} (80% dell'importo netto): mancano {eur(Decimal('0.01'))}."
    ]
    # A reduction lowers the net amount, and so the expenses needed.
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REDUCTION,
        amount=D("100.00"),
        decided_on=date(2025, 8, 1),
        reason="Spese non ammissibili",
        by=operator,
    )
    grant.refresh_from_db()
    assert states(grant)[2].condition_met


def test_an_amount_threshold_names_what_is_missing(operator, applicant):
    plan = [
        TranchePlan(
            amount=D("1000.00"),
            condition=TrancheCondition.APPROVED_EXPENSES,
            threshold=D("1500.00"),
        )
    ]
    grant = award(f.project(reporting=[applicant]), f.fund(), "1000.00", by=operator, plan=plan)
    services.review_expense(item=expense(grant, "1250.40", applicant), approve=True, by=operator)
    expense(grant, "400.00", applicant)  # not yet reviewed: does not count
    error = refusal(
        services.pay_tranche, tranche=grant.tranches.get(), paid_on=date(2025, 9, 1), by=operator
    )
    assert error.messages == [
        f"Rata 1 non è ancora erogabile: le spese approvate sono {eur(Decimal('1250.40'))}, ne servono "
        f"almeno {eur(Decimal('1500.00'))}: mancano {eur(Decimal('249.60'))}."
    ]


def test_a_payment_cannot_precede_the_award_nor_exceed_what_is_due(operator):
    grant = award(f.project(), f.fund(), "5000.00", by=operator, plan=START_AND_REPORT)
    first = grant.tranches.get(position=1)
    error = refusal(services.pay_tranche, tranche=first, paid_on=date(2025, 2, 28), by=operator)
    assert error.code == "paid_before_award"
    error = refusal(
        services.pay_tranche,
        tranche=first,
        paid_on=date(2025, 3, 2),
        amount=D("2000.01"),
        by=operator,
    )
    assert error.code == "above_due"
    assert eur(Decimal("2000.00")) in error.messages[0]


# Reductions against the plan -----------------------------------------------------------------


def test_a_reduction_rescales_the_tranches_not_yet_paid(operator):
    plan = [
        TranchePlan(percentage=D("40")),
        TranchePlan(percentage=D("30")),
        TranchePlan(percentage=D("30")),
    ]
    fund = f.fund("10000.00")
    grant = award(f.project(), fund, "5000.00", by=operator, plan=plan)
    services.pay_tranche(
        tranche=grant.tranches.get(position=1), paid_on=date(2025, 3, 2), by=operator
    )
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REDUCTION,
        amount=D("1000.01"),
        decided_on=date(2025, 5, 1),
        reason="Piano ridimensionato",
        by=operator,
    )
    grant.refresh_from_db()
    due = {n: s.due for n, s in states(grant).items()}
    # 3.999,99 net - 2.000,00 paid = 1.999,99 shared 30:30, the odd cent to the last.
    assert due == {1: D("0.00"), 2: D("1000.00"), 3: D("999.99")}
    services.review_expense(item=expense(grant, "3999.99", operator), approve=True, by=operator)
    for position in (2, 3):
        services.pay_tranche(
            tranche=grant.tranches.get(position=position), paid_on=date(2025, 6, 1), by=operator
        )
    row = ledger(fund)
    assert row.paid == grant.net_amount == D("3999.99")
    assert row.committed - row.paid == D("0.00")
    assert row.available == D("6000.01")


def test_after_a_revocation_nothing_is_due(operator):
    grant = award(f.project(), f.fund(), "5000.00", by=operator, plan=START_AND_REPORT)
    services.pay_tranche(
        tranche=grant.tranches.get(position=1), paid_on=date(2025, 3, 2), by=operator
    )
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REVOCATION,
        decided_on=date(2025, 5, 1),
        reason="Attività cessata",
        by=operator,
    )
    grant.refresh_from_db()
    services.review_final_report(report=report(grant, operator), approve=True, by=operator)
    error = refusal(
        services.pay_tranche,
        tranche=grant.tranches.get(position=2),
        paid_on=date(2025, 6, 1),
        by=operator,
    )
    assert error.code == "nothing_due"


# Corrections ---------------------------------------------------------------------------------


def test_a_cancelled_payment_is_kept_and_returns_to_committed_but_not_paid(operator):
    fund = f.fund("10000.00")
    grant = award(f.project(), fund, "5000.00", by=operator, plan=START_AND_REPORT)
    first = grant.tranches.get(position=1)
    payment = services.pay_tranche(tranche=first, paid_on=date(2025, 3, 2), by=operator)
    assert ledger(fund).paid == D("2000.00")

    error = refusal(services.cancel_disbursement, disbursement=payment, reason=" ", by=operator)
    assert error.code == "reason_required"
    services.cancel_disbursement(disbursement=payment, reason="IBAN sbagliato", by=operator)
    row = ledger(fund)
    assert (row.budget, row.committed, row.paid, row.available) == (
        D("10000.00"),
        D("5000.00"),
        D("0.00"),
        D("5000.00"),
    )
    assert Fund.objects.filter(pk=fund.pk).ledger_totals()["paid"] == D("0.00")
    kept = Disbursement.all_objects.get(pk=payment.pk)
    assert kept.cancel_reason == "IBAN sbagliato"
    assert kept.cancelled_by == operator
    assert not Disbursement.objects.filter(pk=payment.pk).exists()
    event = LogEntry.objects.get_for_object(grant).filter(actor=operator).first()
    assert event.additional_data["event"] == "disbursement_cancelled"

    again = refusal(services.cancel_disbursement, disbursement=kept, reason="x", by=operator)
    assert again.code == "already_cancelled"
    # The tranche can be paid again, under a new code.
    repaid = services.pay_tranche(tranche=first, paid_on=date(2025, 3, 5), by=operator)
    assert repaid.code != payment.code
    assert ledger(fund).paid == D("2000.00")


def test_the_project_corrects_or_withdraws_an_expense_until_it_is_reviewed(
    operator, applicant, outsider
):
    grant = award(f.project(reporting=[applicant]), f.fund(), by=operator)
    item = expense(grant, "100.00", applicant)
    fields = {
        "supplier": "Ferramenta Emiliana srl",
        "invoice_number": "12/2025",
        "invoice_date": date(2025, 4, 1),
        "description": "Attrezzatura",
        "category": "attrezzature",
        "amount": D("110.00"),
    }
    services.change_expense(item=item, **fields, by=applicant)
    item.refresh_from_db()
    assert item.amount == D("110.00")
    assert item.attachment
    with pytest.raises(PermissionDenied):
        services.change_expense(item=item, **fields, by=outsider)

    services.review_expense(item=item, approve=True, by=operator)
    error = refusal(services.change_expense, item=item, **fields, by=applicant)
    assert error.code == "already_reviewed"
    error = refusal(services.delete_expense, item=item, by=applicant)
    assert error.code == "already_reviewed"

    other = expense(grant, "50.00", applicant)
    services.delete_expense(item=other, by=applicant)
    assert not ExpenseItem.objects.filter(pk=other.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(other.pk), action=LogEntry.Action.DELETE).exists()


def test_an_operator_reopens_a_reviewed_expense_with_a_reason(operator, applicant):
    grant = award(f.project(reporting=[applicant]), f.fund(), by=operator)
    item = expense(grant, "100.00", applicant)
    with pytest.raises(PermissionDenied):
        services.reopen_expense(item=item, reason="x", by=applicant)
    error = refusal(services.reopen_expense, item=item, reason="x", by=operator)
    assert error.code == "not_reviewed"
    services.review_expense(item=item, approve=False, reason="Fattura illeggibile", by=operator)
    error = refusal(services.reopen_expense, item=item, reason="", by=operator)
    assert error.code == "reason_required"
    services.reopen_expense(item=item, reason="Fattura leggibile nell'originale", by=operator)
    item.refresh_from_db()
    assert (item.status, item.review_reason, item.reviewed_by) == (ExpenseStatus.PENDING, "", None)
    entry = LogEntry.objects.get_for_object(item).filter(actor=operator).first()
    assert entry.additional_data == {
        "event": "expense_reopened",
        "previous": "Respinta",
        "reason": "Fattura leggibile nell'originale",
    }
    services.review_expense(item=item, approve=True, by=operator)
    assert services.approved_expenses(grant) == D("100.00")


def test_only_one_final_report_at_a_time(operator, applicant, outsider):
    grant = award(f.project(reporting=[applicant]), f.fund(), by=operator)
    with pytest.raises(PermissionDenied):
        report(grant, outsider)
    first = report(grant, applicant)
    assert not first.on_behalf
    error = refusal(report, grant=grant, by=applicant)
    assert error.code == "report_exists"
    with pytest.raises(PermissionDenied):
        services.review_final_report(report=first, approve=True, by=applicant)
    error = refusal(services.review_final_report, report=first, approve=False, by=operator)
    assert error.code == "reason_required"
    services.review_final_report(report=first, approve=True, by=operator)
    error = refusal(services.review_final_report, report=first, approve=True, by=operator)
    assert error.code == "already_reviewed"


def test_a_milestone_releases_its_tranche_and_cannot_be_deleted_meanwhile(operator):
    from insieme.projects import services as projects
    from insieme.projects.models import MilestoneStatus

    project = f.project()
    opening = projects.add_milestone(
        project=project, title="Apertura del negozio", due_on=date(2025, 9, 30), by=operator
    )
    elsewhere = projects.add_milestone(
        project=f.project(), title="Altro", due_on=date(2025, 9, 30), by=operator
    )
    plan = [
        TranchePlan(percentage=D("50")),
        TranchePlan(percentage=D("50"), condition=TrancheCondition.MILESTONE, milestone=elsewhere),
    ]
    error = refusal(award, project=project, fund=f.fund(), by=operator, plan=plan)
    assert error.code == "foreign_milestone"
    plan[1] = TranchePlan(percentage=D("50"), condition=TrancheCondition.MILESTONE)
    error = refusal(award, project=project, fund=f.fund(), by=operator, plan=plan)
    assert error.code == "tranche_milestone"
    plan[1] = TranchePlan(
        percentage=D("50"), condition=TrancheCondition.MILESTONE, milestone=opening
    )
    grant = award(project, f.fund(), "4000.00", by=operator, plan=plan)
    second = grant.tranches.get(position=2)
    error = refusal(services.pay_tranche, tranche=second, paid_on=date(2025, 9, 1), by=operator)
    assert error.messages == [
        "Rata 2 non è ancora erogabile: la tappa “Apertura del negozio” (entro il 30/09/2025) "
        "è prevista, non ancora raggiunta."
    ]
    error = refusal(projects.delete_milestone, milestone=opening, by=operator)
    assert error.code == "releases_a_tranche"
    projects.set_milestone_status(milestone=opening, status=MilestoneStatus.DONE, by=operator)
    services.review_expense(item=expense(grant, "4000.00", operator), approve=True, by=operator)
    assert services.pay_tranche(tranche=second, paid_on=date(2025, 10, 1), by=operator).amount == D(
        "2000.00"
    )
