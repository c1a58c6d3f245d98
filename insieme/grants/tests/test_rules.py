"""The grants' rules in the gate (grants/rules.py): workflows, guards and who may act."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from insieme.core import rules
from insieme.core.money import eur
from insieme.core.rules import can
from insieme.grants import services
from insieme.grants.models import (
    Disbursement,
    GrantStatus,
    MicrocreditStatus,
    PaymentStatus,
    RevocationKind,
    TrancheCondition,
    TrancheStatus,
)
from insieme.grants.services import TranchePlan
from insieme.grants.tests.test_correction_views import logged_in
from insieme.grants.tests.test_services import award, expense, planless
from insieme.projects.tests import factories as f

D = Decimal
BALANCE_ON_EXPENSES = [
    TranchePlan(percentage=D("50")),
    TranchePlan(
        percentage=D("50"),
        condition=TrancheCondition.APPROVED_EXPENSES,
        threshold=D("1500.00"),
        description="saldo",
    ),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def approved(grant, amount, applicant, operator):
    item = expense(grant, amount, applicant)
    services.review_expense(item=item, approve=True, by=operator)
    return item


def test_the_final_tranche_waits_until_approved_expenses_cover_it(operator, applicant, media):
    grant = award(
        f.project(reporting=[applicant]), f.fund(), "5000.00", by=operator, plan=BALANCE_ON_EXPENSES
    )
    first, final = grant.tranches.order_by("position")
    services.pay_tranche(tranche=first, paid_on=date(2025, 3, 2), by=operator)
    approved(grant, "1250.40", applicant, operator)
    final = grant.tranches.get(pk=final.pk)
    assert final.state == TrancheStatus.PLANNED
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=final, paid_on=date(2025, 6, 1), by=operator)
    assert refused.value.code == "condition_not_met"
    assert refused.value.messages == [
        f"Rata 2 (saldo) non è ancora erogabile: le spese approvate sono {eur(Decimal('1250.40'))}, ne servono "
        f"almeno {eur(Decimal('1500.00'))}: mancano {eur(Decimal('249.60'))}."
    ]
    assert not Disbursement.objects.filter(tranche=final).exists()
    # The gate gives the same answer to the page's button.
    with translation.override("it"):
        decision = rules.can(operator, "tranche.pay", grant.tranches.get(pk=final.pk))
    assert not decision
    assert f"mancano {eur(Decimal('249.60'))}" in decision.reason

    approved(grant, "249.60", applicant, operator)
    # The threshold is met, but the balance also waits until the expenses cover the grant.
    final = grant.tranches.get(pk=final.pk)
    assert final.state == TrancheStatus.PLANNED
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=final, paid_on=date(2025, 6, 1), by=operator)
    assert refused.value.code == "expenses_not_covering"
    approved(grant, "3500.00", applicant, operator)
    final = grant.tranches.get(pk=final.pk)
    assert final.state == TrancheStatus.PAYABLE
    paid = services.pay_tranche(tranche=final, paid_on=date(2025, 6, 1), by=operator)
    assert paid.amount == D("2500.00")
    assert grant.tranches.get(pk=final.pk).state == TrancheStatus.PAID
    grant.refresh_from_db()
    assert grant.state == GrantStatus.COMPLETED


def test_the_page_explains_why_the_final_tranche_cannot_be_paid(operator, applicant, media):
    grant = award(
        f.project(reporting=[applicant]), f.fund(), "5000.00", by=operator, plan=BALANCE_ON_EXPENSES
    )
    first, final = grant.tranches.order_by("position")
    services.pay_tranche(tranche=first, paid_on=date(2025, 3, 2), by=operator)
    approved(grant, "1250.40", applicant, operator)
    office = logged_in(operator)
    page = office.get(reverse("grants:grant_detail", args=[grant.pk]))
    assert f"mancano {eur(Decimal('249.60'))}" in page.text
    # The button of the final tranche is offered but disabled, with the gate's reason.
    assert 'disabled title="Rata 2 (saldo) non è ancora erogabile' in page.text
    answer = office.post(
        reverse("grants:tranche_pay", args=[final.pk]), {"paid_on": "2025-06-01"}, follow=True
    )
    assert (
        f"ne servono almeno {eur(Decimal('1500.00'))}: mancano {eur(Decimal('249.60'))}."
        in answer.text
    )
    assert not Disbursement.objects.filter(tranche=final).exists()


def test_a_payment_above_what_remains_of_the_net_amount_is_refused(operator):
    grant = planless(f.project(), f.fund(), "5000.00")
    services.record_disbursement(
        grant=grant, paid_on=date(2025, 4, 1), amount=D("4999.00"), by=operator
    )
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        services.record_disbursement(
            grant=grant, paid_on=date(2025, 4, 2), amount=D("1.01"), by=operator
        )
    assert refused.value.code == "above_net"
    assert refused.value.messages == [
        f"Erogazione rifiutata: {eur(Decimal('4999.00'))} già erogati più {eur(Decimal('1.01'))} farebbero {eur(Decimal('5000.01'))}, "
        f"oltre l'importo netto del contributo di {eur(Decimal('5000.00'))}."
    ]
    # The gate answers for the proposed payment before anything is written.
    proposed = Disbursement(grant=grant, paid_on=date(2025, 4, 2), amount=D("1.00"))
    assert rules.can(operator, "disbursement.record", proposed)
    proposed.amount = D("1.01")
    assert rules.can(operator, "disbursement.record", proposed).refusal.code == "above_net"
    assert Disbursement.objects.filter(grant=grant).count() == 1


def test_only_staff_pay_review_cancel_and_revoke(operator, admin_user, applicant, coach, media):
    grant = award(f.project(reporting=[applicant], coaches=[coach]), f.fund(), by=operator)
    tranche = grant.tranches.get()
    item = expense(grant, "100.00", applicant)
    for user in (applicant, coach):
        with pytest.raises(PermissionDenied):
            services.pay_tranche(tranche=tranche, paid_on=date(2025, 4, 1), by=user)
        with pytest.raises(PermissionDenied):
            services.review_expense(item=item, approve=True, by=user)
        with pytest.raises(PermissionDenied):
            services.revoke_grant(
                grant=grant,
                kind=RevocationKind.REVOCATION,
                decided_on=date(2025, 5, 1),
                reason="Mancata realizzazione",
                by=user,
            )
    payment = services.pay_tranche(tranche=tranche, paid_on=date(2025, 4, 1), by=admin_user)
    assert payment.state == PaymentStatus.IN_FORCE
    with pytest.raises(PermissionDenied):
        services.cancel_disbursement(disbursement=payment, reason="Errore", by=applicant)
    services.cancel_disbursement(disbursement=payment, reason="Errore", by=operator)
    payment = Disbursement.all_objects.get(pk=payment.pk)
    assert payment.state == PaymentStatus.CANCELLED
    refusal = can(operator, "disbursement.cancel", payment).refusal
    assert refusal is not None
    assert refusal.code == "already_cancelled"
    # The coach does not report for the project; the applicant does, the operator on its behalf.
    assert not rules.can(coach, "expense.submit", grant)
    assert rules.can(applicant, "expense.submit", grant)
    assert rules.can(operator, "expense.submit", grant)


def test_an_expense_moves_only_along_its_workflow(operator, applicant, media):
    grant = award(f.project(reporting=[applicant]), f.fund(), by=operator)
    item = expense(grant, "100.00", applicant)
    assert rules.can(operator, "expense.approve", item)
    assert not rules.can(operator, "expense.reopen", item)
    services.review_expense(item=item, approve=False, reason="Fattura illeggibile", by=operator)
    item.refresh_from_db()
    assert can(operator, "expense.approve", item).refusal.code == "already_reviewed"
    assert rules.can(operator, "expense.reopen", item)
    # Once reviewed the project can no longer correct it; the refusal says to ask for a reopening.
    with translation.override("it"):
        refusal = rules.can(applicant, "expense.change", item).refusal
    assert refusal is not None
    assert refusal.code == "already_reviewed"
    assert not refusal.by_whom


def test_a_grant_is_reduced_then_revoked_and_then_nothing_is_left(operator):
    grant = award(f.project(), f.fund(), "5000.00", by=operator)
    assert grant.state == GrantStatus.AWARDED
    services.record_disbursement(
        grant=grant,
        tranche=grant.tranches.first(),
        paid_on=date(2025, 4, 1),
        amount=D("1000.00"),
        by=operator,
    )
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REDUCTION,
        amount=D("500.00"),
        decided_on=date(2025, 5, 1),
        reason="Spese non ammissibili",
        by=operator,
    )
    grant.refresh_from_db()
    assert grant.state == GrantStatus.REDUCED
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REVOCATION,
        decided_on=date(2025, 6, 1),
        reason="Attività cessata",
        by=operator,
    )
    grant.refresh_from_db()
    assert (grant.state, grant.amount_revoked) == (GrantStatus.REVOKED, D("4000.00"))
    with pytest.raises(ValidationError) as refused:
        services.revoke_grant(
            grant=grant,
            kind=RevocationKind.REDUCTION,
            amount=D("1.00"),
            decided_on=date(2025, 7, 1),
            reason="Ancora",
            by=operator,
        )
    assert refused.value.code == "not_positive"


def test_a_microcredit_moves_only_along_its_workflow(operator, applicant):
    project = f.project()
    fund = f.fund("1000.00", instrument="microcredit")
    loan = services.request_microcredit(
        application=project.application,
        lender=fund.funder,
        fund=fund,
        amount=D("1500.00"),
        term_months=24,
        requested_on=date(2025, 3, 1),
        by=operator,
    )
    assert loan.status == MicrocreditStatus.REQUESTED
    with pytest.raises(PermissionDenied):
        services.move_microcredit(
            microcredit=loan, to=MicrocreditStatus.GRANTED, on=date(2025, 3, 2), by=applicant
        )
    with pytest.raises(ValidationError) as refused:
        services.move_microcredit(
            microcredit=loan, to=MicrocreditStatus.REPAID, on=date(2025, 3, 2), by=operator
        )
    assert refused.value.code == "bad_transition"
    with pytest.raises(ValidationError) as refused:
        services.move_microcredit(
            microcredit=loan, to=MicrocreditStatus.GRANTED, on=date(2025, 3, 2), by=operator
        )
    assert refused.value.code == "over_allocation"
    loan.refresh_from_db()
    assert loan.status == MicrocreditStatus.REQUESTED
