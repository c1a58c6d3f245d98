"""Money rules (issue 15): the balance waits until approved expenses cover the grant, or the grant
is reduced to what they cover; payments never beyond the plan, the approved expenses, nor today.

The defect this starts from: a final tranche was paid when 1.250 of 8.000 EUR of expenses had
been approved, with no warning.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from insieme.core import rules
from insieme.core.money import eur
from insieme.grants import services
from insieme.grants.models import Disbursement, GrantStatus, TrancheCondition
from insieme.grants.services import TranchePlan
from insieme.grants.tests.test_correction_views import logged_in
from insieme.grants.tests.test_services import PDF, award, expense
from insieme.projects.tests import factories as f

D = Decimal
ADVANCE_AND_BALANCE = [
    TranchePlan(percentage=D("40"), description="anticipo"),
    TranchePlan(percentage=D("60"), condition=TrancheCondition.FINAL_REPORT, description="saldo"),
]


@pytest.fixture(autouse=True)
def italian(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("it"):
        yield


def approved(grant, amount, applicant, operator):
    item = expense(grant, amount, applicant)
    services.review_expense(item=item, approve=True, by=operator)
    return item


def final_report_approved(grant, applicant, operator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = services.submit_final_report(
        grant=grant,
        summary="Attività svolte",
        document=SimpleUploadedFile("relazione.pdf", PDF, content_type="application/pdf"),
        by=applicant,
    )
    services.review_final_report(report=report, approve=True, by=operator)


def the_defect(operator, applicant):
    """8.000 EUR awarded, the advance paid, 8.000 EUR of expenses reported of which 1.250
    approved, the final report approved: the balance's own condition is met."""
    grant = award(
        f.project(reporting=[applicant]),
        f.fund("20000.00"),
        "8000.00",
        by=operator,
        plan=ADVANCE_AND_BALANCE,
    )
    advance, balance = grant.tranches.order_by("position")
    services.pay_tranche(tranche=advance, paid_on=date(2025, 3, 2), by=operator)
    approved(grant, "1250.00", applicant, operator)
    expense(grant, "6750.00", applicant)
    final_report_approved(grant, applicant, operator)
    return grant, balance


def not_covered(missing="6750.00", approved="1250.00", net="8000.00") -> str:
    return (
        f"Rata 2 (saldo) non può essere erogata: è il saldo e le spese approvate "
        f"({eur(D(approved))}) non coprono il contributo ({eur(D(net))}): mancano "
        f"{eur(D(missing))}. Fai approvare altre spese oppure riduci il contributo a quanto "
        f"coperto."
    )


# The balance waits for the expenses ------------------------------------------------------------


def test_the_balance_is_refused_while_approved_expenses_do_not_cover_the_grant(operator, applicant):
    grant, balance = the_defect(operator, applicant)
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=balance, paid_on=date(2025, 9, 1), by=operator)
    assert refused.value.code == "expenses_not_covering"
    assert refused.value.messages == [not_covered()]
    assert not Disbursement.objects.filter(tranche=balance).exists()
    decision = rules.can(operator, "tranche.pay", grant.tranches.get(pk=balance.pk))
    assert decision.reason == not_covered()


def test_the_page_refuses_the_balance_and_offers_the_reduction(operator, applicant):
    grant, balance = the_defect(operator, applicant)
    office = logged_in(operator)
    page = office.get(reverse("grants:grant_detail", args=[grant.pk]))
    assert f'disabled title="{not_covered()}"' in page.content.decode()
    assert reverse("grants:reduce_to_covered", args=[grant.pk]) in page.content.decode()
    answer = office.post(
        reverse("grants:tranche_pay", args=[balance.pk]), {"paid_on": "2025-09-01"}, follow=True
    )
    assert not_covered() in answer.content.decode()
    assert not Disbursement.objects.filter(tranche=balance).exists()


def test_the_api_refuses_the_balance_with_the_reason(operator, applicant, client):
    from insieme.api.services import create_token

    _grant, balance = the_defect(operator, applicant)
    _token, raw = create_token(user=operator, name="test", scopes=["read", "write"], by=operator)
    answer = client.post(
        f"/api/v1/tranches/{balance.pk}/payment",
        {"paid_on": "2025-09-01"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "expenses_not_covering"
    assert answer.json()["message"] == not_covered()
    assert not Disbursement.objects.filter(tranche=balance).exists()


def test_once_the_expenses_cover_the_grant_the_balance_is_paid(operator, applicant):
    grant, balance = the_defect(operator, applicant)
    pending = grant.expenses.get(status="da_esaminare")
    services.review_expense(item=pending, approve=True, by=operator)
    paid = services.pay_tranche(tranche=balance, paid_on=date(2025, 9, 1), by=operator)
    assert paid.amount == D("4800.00")
    grant.refresh_from_db()
    assert grant.state == GrantStatus.COMPLETED


def test_a_grant_paid_at_once_at_the_award_has_no_balance_to_wait_for(operator):
    grant = award(f.project(), f.fund(), "3000.00", by=operator)
    paid = services.pay_tranche(tranche=grant.tranches.get(), paid_on=date(2025, 3, 2), by=operator)
    assert paid.amount == D("3000.00")


# Or the grant is reduced to what the approved expenses cover -----------------------------------


def test_the_grant_is_reduced_to_the_approved_expenses_and_the_figures_follow(operator, applicant):
    from insieme.impact.figures import compute

    grant, balance = the_defect(operator, applicant)
    # More approved than the advance: 4.000 of the 8.000 claimed.
    grant.expenses.get(status="da_esaminare").delete()
    approved(grant, "2750.00", applicant, operator)
    before = compute()["projects"]
    services.reduce_to_covered(
        grant=grant, decided_on=date(2025, 9, 1), reason="Spese non documentate", by=operator
    )
    grant.refresh_from_db()
    assert (grant.amount_revoked, grant.net_amount) == (D("4000.00"), D("4000.00"))
    assert grant.state == GrantStatus.REDUCED
    revocation = grant.revocations.get()
    assert (revocation.kind, revocation.amount, revocation.reason) == (
        "riduzione",
        D("4000.00"),
        "Spese non documentate",
    )
    after = compute()["projects"]
    revoked = D(after["grants_revoked_eur"]) - D(before["grants_revoked_eur"])
    assert revoked == D("4000.00")
    assert after["grants_awarded_eur"] == before["grants_awarded_eur"]
    assert after["funded"] == before["funded"]
    # The balance is now what the expenses cover beyond the advance, and it is paid.
    paid = services.pay_tranche(tranche=balance, paid_on=date(2025, 9, 2), by=operator)
    assert paid.amount == D("800.00")
    grant.refresh_from_db()
    assert grant.state == GrantStatus.COMPLETED
    assert compute()["projects"]["grants_disbursed_eur"] == str(
        D(before["grants_disbursed_eur"]) + D("800.00")
    )


def test_an_advance_above_the_approved_expenses_is_never_taken_back(operator, applicant):
    grant, balance = the_defect(operator, applicant)
    figures = services.coverage(grant)
    assert (figures.new_net, figures.reduction, figures.paid_beyond_expenses) == (
        D("3200.00"),
        D("4800.00"),
        D("1950.00"),
    )
    services.reduce_to_covered(
        grant=grant, decided_on=date(2025, 9, 1), reason="Spese non ammissibili", by=operator
    )
    grant.refresh_from_db()
    assert grant.net_amount == D("3200.00")
    assert grant.state == GrantStatus.COMPLETED
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=balance, paid_on=date(2025, 9, 2), by=operator)
    assert refused.value.code == "nothing_due"


def test_the_reduction_is_refused_when_there_is_nothing_to_reduce_or_nothing_approved(
    operator, applicant
):
    grant = award(
        f.project(reporting=[applicant]), f.fund(), "2000.00", by=operator, plan=ADVANCE_AND_BALANCE
    )
    decision = rules.can(operator, "grant.reduce_to_covered", grant)
    assert decision.refusal.code == "nothing_approved"
    approved(grant, "2000.00", applicant, operator)
    decision = rules.can(operator, "grant.reduce_to_covered", grant)
    assert decision.refusal.code == "already_covered"
    with pytest.raises(ValidationError):
        services.reduce_to_covered(
            grant=grant, decided_on=date(2025, 9, 1), reason="x", by=operator
        )
    assert grant.revocations.count() == 0


def test_the_confirmation_page_shows_the_arithmetic_and_needs_a_reason(operator, applicant):
    grant, _balance = the_defect(operator, applicant)
    office = logged_in(operator)
    url = reverse("grants:reduce_to_covered", args=[grant.pk])
    page = office.get(url).content.decode()
    for amount in ("8000.00", "1250.00", "3200.00", "4800.00", "1950.00"):
        assert eur(D(amount)) in page, amount
    missing = office.post(url, {"decided_on": "2025-09-01", "reason": ""})
    assert missing.status_code == 400
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    late = office.post(url, {"decided_on": future, "reason": "Spese non ammissibili"})
    assert late.status_code == 400
    assert "è nel futuro" in late.content.decode()
    assert grant.revocations.count() == 0
    done = office.post(url, {"decided_on": "2025-09-01", "reason": "Spese non ammissibili"})
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.net_amount == D("3200.00")
    # Only staff reach it.
    assert logged_in(applicant).get(url).status_code == 403


def test_the_api_reduces_to_the_approved_expenses(operator, applicant, client):
    from insieme.api.services import create_token

    grant, _balance = the_defect(operator, applicant)
    _token, raw = create_token(user=operator, name="test", scopes=["read", "write"], by=operator)
    headers = {"Authorization": f"Bearer {raw}"}
    path = f"/api/v1/grants/{grant.pk}/reduction-to-covered"
    empty = client.post(
        path, {"decided_on": "2025-09-01", "reason": ""}, "application/json", headers=headers
    )
    assert empty.status_code == 422, empty.content
    answer = client.post(
        path,
        {"decided_on": "2025-09-01", "reason": "Spese non ammissibili"},
        "application/json",
        headers=headers,
    )
    assert answer.status_code == 200, answer.content
    assert D(answer.json()["amount_revoked"]) == D("4800.00")
    again = client.post(
        path,
        {"decided_on": "2025-09-01", "reason": "ancora"},
        "application/json",
        headers=headers,
    )
    assert again.status_code == 409


# Payments never beyond the plan, the expenses, nor today ---------------------------------------


def test_a_payment_is_never_dated_in_the_future(operator):
    grant = award(f.project(), f.fund(), "3000.00", by=operator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=grant.tranches.get(), paid_on=tomorrow, by=operator)
    assert refused.value.code == "paid_in_future"
    assert "è nel futuro" in refused.value.messages[0]
    assert not Disbursement.objects.filter(grant=grant).exists()


def test_a_grant_with_a_plan_is_paid_only_through_its_tranches(operator):
    grant = award(f.project(), f.fund(), "3000.00", by=operator, plan=ADVANCE_AND_BALANCE)
    with pytest.raises(ValidationError) as refused:
        services.record_disbursement(
            grant=grant, paid_on=date(2025, 4, 1), amount=D("3000.00"), by=operator
        )
    assert refused.value.code == "outside_plan"
    # Nor around a tranche's condition by naming the tranche.
    balance = grant.tranches.get(position=2)
    with pytest.raises(ValidationError) as refused:
        services.record_disbursement(
            grant=grant, tranche=balance, paid_on=date(2025, 4, 1), amount=D("1.00"), by=operator
        )
    assert refused.value.code == "condition_not_met"
    assert not Disbursement.objects.filter(grant=grant).exists()


def test_a_tranche_released_by_expenses_pays_at_most_the_approved_expenses(operator, applicant):
    plan = [
        TranchePlan(percentage=D("40")),
        TranchePlan(
            percentage=D("30"),
            condition=TrancheCondition.APPROVED_EXPENSES,
            threshold=D("1000.00"),
        ),
        TranchePlan(percentage=D("30"), condition=TrancheCondition.FINAL_REPORT),
    ]
    grant = award(f.project(reporting=[applicant]), f.fund(), "10000.00", by=operator, plan=plan)
    middle = grant.tranches.get(position=2)
    approved(grant, "1200.00", applicant, operator)
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(
            tranche=middle, paid_on=date(2025, 5, 1), amount=D("3000.00"), by=operator
        )
    assert refused.value.code == "above_expenses"
    assert eur(D("1200.00")) in refused.value.messages[0]
    page = logged_in(operator).get(reverse("grants:grant_detail", args=[grant.pk]))
    assert eur(D("1200.00")) in page.content.decode()
    paid = services.pay_tranche(tranche=middle, paid_on=date(2025, 5, 1), by=operator)
    assert paid.amount == D("1200.00")


# Partial approvals keep the arithmetic visible ---------------------------------------------------


def test_a_partial_approval_counts_the_part_approved_and_shows_the_difference(operator, applicant):
    grant = award(
        f.project(reporting=[applicant]), f.fund(), "2000.00", by=operator, plan=ADVANCE_AND_BALANCE
    )
    item = expense(grant, "1000.00", applicant)
    with pytest.raises(ValidationError) as refused:
        services.review_expense(item=item, approve=True, amount_approved=D("600.00"), by=operator)
    assert refused.value.code == "reason_required"
    with pytest.raises(ValidationError) as refused:
        services.review_expense(
            item=item, approve=True, amount_approved=D("1000.01"), reason="x", by=operator
        )
    assert refused.value.code == "approved_out_of_range"
    office = logged_in(operator)
    office.post(
        reverse("grants:expense_review", args=[item.pk]),
        {"decision": "approva", "amount_approved": "600,00", "reason": "IVA non ammissibile"},
    )
    item.refresh_from_db()
    assert (item.status, item.amount_approved, item.cut) == ("approvata", D("600.00"), D("400.00"))
    assert services.approved_expenses(grant) == D("600.00")
    page = office.get(reverse("grants:grant_detail", args=[grant.pk])).content.decode()
    for amount in ("1000.00", "600.00", "400.00"):
        assert eur(D(amount)) in page, amount
    assert "IVA non ammissibile" in page
    assert "Approvata in parte" in page
    # Reopened, the expense waits again and counts for nothing until reviewed.
    services.reopen_expense(item=item, reason="Nuova fattura", by=operator)
    item.refresh_from_db()
    assert item.amount_approved is None
    assert services.approved_expenses(grant) == D("0.00")


# Amounts: never negative, never above the call's budget or the fund -----------------------------


def test_an_award_never_exceeds_the_calls_budget(operator):
    from insieme.projects.models import Project

    call = f.call(budget=D("5000.00"))
    projects = [
        Project.objects.create(application=f.application(call=call), started_on=date(2025, 1, 15))
        for _n in range(2)
    ]
    award(projects[0], f.fund("20000.00"), "3000.00", by=operator)
    with pytest.raises(ValidationError) as refused:
        award(projects[1], f.fund("20000.00"), "2000.01", by=operator)
    assert refused.value.code == "above_call_budget"
    assert eur(D("2000.00")) in refused.value.messages[0]
    award(projects[1], f.fund("20000.00"), "2000.00", by=operator)


def test_a_projects_grants_never_exceed_the_calls_maximum_request(operator):
    from insieme.projects.models import Project

    call = f.call(budget=D("50000.00"), max_request=D("10000.00"))
    project = Project.objects.create(
        application=f.application(call=call), started_on=date(2025, 1, 15)
    )
    award(project, f.fund("20000.00"), "6000.00", by=operator)
    with pytest.raises(ValidationError) as refused:
        award(project, f.fund("20000.00"), "4000.01", by=operator)
    assert refused.value.code == "above_call_maximum"
    assert eur(D("4000.00")) in refused.value.messages[0]
    award(project, f.fund("20000.00"), "4000.00", by=operator)


def test_an_award_is_not_dated_in_the_future(operator):
    with pytest.raises(ValidationError) as refused:
        award(
            f.project(),
            f.fund(),
            "1000.00",
            on=timezone.localdate() + timedelta(days=1),
            by=operator,
        )
    assert refused.value.code == "awarded_in_future"


def test_expenses_and_funds_refuse_negative_amounts_and_future_invoices(operator, applicant):
    grant = award(f.project(reporting=[applicant]), f.fund(), "1000.00", by=operator)
    with pytest.raises(ValidationError) as refused:
        services.submit_expense(
            grant=grant,
            supplier="Fornitore",
            invoice_number="1",
            invoice_date=timezone.localdate() + timedelta(days=2),
            description="x",
            category="altro",
            amount=D("-5.00"),
            attachment=None,
            by=applicant,
        )
    assert set(refused.value.message_dict) == {"amount", "invoice_date"}
    assert grant.expenses.count() == 0
    with pytest.raises(ValidationError) as refused:
        services.create_fund(
            funder=grant.funder, name="Fondo", instrument="grant", budget=D("-1"), by=operator
        )
    assert "budget" in refused.value.message_dict
