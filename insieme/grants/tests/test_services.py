import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from insieme.grants import services
from insieme.grants.models import (
    ExpenseStatus,
    Fund,
    Grant,
    Instrument,
    MicrocreditStatus,
    RevocationKind,
    TrancheCondition,
)
from insieme.grants.services import TranchePlan
from insieme.projects.tests import factories as f

D = Decimal
TWO_TRANCHES = [
    TranchePlan(percentage=D("40")),
    TranchePlan(
        percentage=D("60"), condition=TrancheCondition.APPROVED_EXPENSES, threshold=D("3000.00")
    ),
]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def ledger(fund):
    return Fund.objects.with_ledger().get(pk=fund.pk)


def award(project, fund, amount="5000.00", on=date(2025, 3, 1), by=None, plan=None):
    return services.award_grant(
        application=project.application,
        fund=fund,
        amount=D(amount),
        awarded_on=on,
        tranches=plan or [TranchePlan(amount=D(amount))],
        by=by,
    )


def planless(project, fund, amount="5000.00", on=date(2025, 3, 1)):
    """A grant without a payment plan, as the workbook imports past ones: paid by amounts."""
    return Grant.objects.create(
        code=f"STORICO-{project.pk}",
        application=project.application,
        funder=fund.funder,
        fund=fund,
        amount_awarded=D(amount),
        awarded_on=on,
    )


def expense(grant, amount, by):
    return services.submit_expense(
        grant=grant,
        supplier="Ferramenta Emiliana srl",
        invoice_number="12/2025",
        invoice_date=date(2025, 4, 1),
        description="Attrezzatura di laboratorio",
        category="attrezzature",
        amount=D(amount),
        attachment=SimpleUploadedFile("fattura.pdf", PDF, content_type="application/pdf"),
        by=by,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_ledger_adds_up_to_the_cent(operator):
    fund = f.fund("10000.00")
    grant = award(f.project(), fund, "3333.33", by=operator)
    award(f.project(), fund, "1000.01", by=operator)
    services.record_disbursement(
        grant=grant,
        tranche=grant.tranches.first(),
        paid_on=date(2025, 4, 1),
        amount=D("1111.11"),
        by=operator,
    )
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REDUCTION,
        amount=D("0.02"),
        decided_on=date(2025, 5, 1),
        reason="Spese non ammissibili",
        by=operator,
    )
    row = ledger(fund)
    assert row.budget == D("10000.00")
    assert row.committed == D("4333.32")
    assert row.paid == D("1111.11")
    assert row.available == D("5666.68")


def test_award_above_available_is_refused_with_the_figures(operator):
    fund = f.fund("8000.00")
    award(f.project(), fund, "5000.00", by=operator)
    with pytest.raises(ValidationError) as refused:
        award(f.project(), fund, "3000.01", by=operator)
    assert refused.value.code == "over_allocation"
    assert "3.000,00" in refused.value.messages[0]
    assert "3.000,01" in refused.value.messages[0]
    award(f.project(), fund, "3000.00", by=operator)
    assert ledger(fund).available == D("0.00")


def test_award_checks_the_tranche_plan(operator):
    fund = f.fund()
    with pytest.raises(ValidationError) as refused:
        award(f.project(), fund, "5000.00", by=operator, plan=[TranchePlan(percentage=D("40"))])
    assert refused.value.code == "plan_mismatch"
    assert not Grant.objects.exists()


def test_microcredit_fund_gives_no_grants(operator):
    fund = f.fund(instrument=Instrument.MICROCREDIT)
    with pytest.raises(ValidationError, match=r"does not give|non concede"):
        award(f.project(), fund, by=operator)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_operators_awarding_at_once_cannot_overcommit(operator):
    fund = f.fund("8000.00")
    projects = [f.project(), f.project()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def award_in_thread(project):
        try:
            barrier.wait()
            award(project, fund, "5000.00", by=operator)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=award_in_thread, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "over_allocation"]
    assert ledger(fund).committed == D("5000.00")


def test_tranche_waits_for_its_condition(operator, applicant, media):
    project = f.project(reporting=[applicant])
    grant = award(project, f.fund(), "5000.00", by=operator, plan=TWO_TRANCHES)
    first, second = grant.tranches.all()
    assert first.planned_amount == D("2000.00")
    services.pay_tranche(tranche=first, paid_on=date(2025, 3, 2), by=operator)
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=second, paid_on=date(2025, 6, 1), by=operator)
    assert refused.value.code == "condition_not_met"
    item = expense(grant, "2999.99", applicant)
    services.review_expense(item=item, approve=True, by=operator)
    rejected = expense(grant, "500.00", applicant)
    services.review_expense(item=rejected, approve=False, reason="Fattura illeggibile", by=operator)
    with pytest.raises(ValidationError):
        services.pay_tranche(tranche=second, paid_on=date(2025, 6, 1), by=operator)
    services.review_expense(item=expense(grant, "0.01", applicant), approve=True, by=operator)
    # Its threshold is met; being the balance it also waits until the grant is covered.
    with pytest.raises(ValidationError) as refused:
        services.pay_tranche(tranche=second, paid_on=date(2025, 6, 1), by=operator)
    assert refused.value.code == "expenses_not_covering"
    services.review_expense(item=expense(grant, "2000.00", applicant), approve=True, by=operator)
    services.pay_tranche(tranche=second, paid_on=date(2025, 6, 1), by=operator)
    assert ledger(grant.fund).paid == D("5000.00")
    with pytest.raises(ValidationError) as again:
        services.pay_tranche(tranche=first, paid_on=date(2025, 6, 2), by=operator)
    assert again.value.code == "tranche_paid"


def test_disbursement_above_the_net_amount_is_refused(operator):
    grant = planless(f.project(), f.fund(), "5000.00")
    services.record_disbursement(
        grant=grant, paid_on=date(2025, 4, 1), amount=D("4000.00"), by=operator
    )
    services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REDUCTION,
        amount=D("500.00"),
        decided_on=date(2025, 5, 1),
        reason="Riduzione",
        by=operator,
    )
    with pytest.raises(ValidationError) as refused:
        services.record_disbursement(
            grant=grant, paid_on=date(2025, 6, 1), amount=D("500.01"), by=operator
        )
    assert refused.value.code == "above_net"
    assert "4.500,00" in refused.value.messages[0]
    services.record_disbursement(
        grant=grant, paid_on=date(2025, 6, 1), amount=D("500.00"), by=operator
    )


def test_revocation_frees_budget_but_never_what_was_paid(operator):
    fund = f.fund("5000.00")
    grant = award(f.project(), fund, "5000.00", by=operator)
    services.record_disbursement(
        grant=grant,
        tranche=grant.tranches.first(),
        paid_on=date(2025, 4, 1),
        amount=D("2000.00"),
        by=operator,
    )
    with pytest.raises(ValidationError) as refused:
        services.revoke_grant(
            grant=grant,
            kind=RevocationKind.REDUCTION,
            amount=D("3000.01"),
            decided_on=date(2025, 5, 1),
            reason="x",
            by=operator,
        )
    assert refused.value.code == "above_unpaid"
    revocation = services.revoke_grant(
        grant=grant,
        kind=RevocationKind.REVOCATION,
        decided_on=date(2025, 5, 1),
        reason="Attività cessata",
        by=operator,
    )
    assert revocation.amount == D("3000.00")
    grant.refresh_from_db()
    assert grant.net_amount == D("2000.00")
    assert ledger(fund).available == D("3000.00")
    award(f.project(), fund, "3000.00", by=operator)


def test_de_minimis_rolling_window(operator):
    undertaking = f.organisation("Cooperativa Il Pane")
    project = f.project(applicant=undertaking)
    services.record_de_minimis_declaration(
        organisation=undertaking,
        grantor="Regione",
        granted_on=date(2022, 2, 28),
        amount=D("200000.00"),
        declared_on=date(2025, 1, 10),
        by=operator,
    )
    services.record_de_minimis_declaration(
        organisation=undertaking,
        grantor="Camera di commercio",
        granted_on=date(2022, 3, 1),
        amount=D("295000.00"),
        declared_on=date(2025, 1, 10),
        by=operator,
    )
    fund = f.fund("100000.00")
    # 1 March 2025: aid of 28 February 2022 (3 years and 1 day earlier) does not count.
    assert services.de_minimis_total(undertaking, date(2025, 3, 1)) == D("295000.00")
    with pytest.raises(ValidationError) as refused:
        award(project, fund, "5000.01", on=date(2025, 3, 1), by=operator)
    assert refused.value.code == "de_minimis"
    assert "295.000,00" in refused.value.messages[0]
    assert "300.000,00" in refused.value.messages[0]
    award(project, fund, "5000.00", on=date(2025, 3, 1), by=operator)


def test_de_minimis_counts_aid_three_years_to_the_day(operator):
    undertaking = f.organisation()
    services.record_de_minimis_declaration(
        organisation=undertaking,
        grantor="Regione",
        granted_on=date(2022, 3, 1),
        amount=D("1.00"),
        declared_on=date(2025, 1, 10),
        by=operator,
    )
    assert services.de_minimis_total(undertaking, date(2025, 3, 1)) == D("1.00")
    assert services.de_minimis_total(undertaking, date(2025, 3, 2)) == D("0.00")


def test_de_minimis_not_applied_when_aid_is_not_to_an_undertaking(operator):
    person_project = f.project(applicant=f.person())
    with pytest.raises(ValidationError) as refused:
        award(person_project, f.fund(), by=operator)
    assert refused.value.code == "no_undertaking"
    grant = award(person_project, f.fund(de_minimis=False), by=operator)
    assert grant.beneficiary is None


def test_sole_trader_is_found_by_fiscal_code(operator):
    owner = f.person()
    sole_trader = f.organisation("Ditta Rossi", fiscal_code=owner.fiscal_code)
    grant = award(f.project(applicant=owner), f.fund(), by=operator)
    assert grant.beneficiary == sole_trader


def test_expense_entered_by_an_operator_is_marked_on_behalf(operator, applicant, outsider, media):
    grant = award(f.project(reporting=[applicant]), f.fund(), by=operator)
    assert expense(grant, "10.00", operator).on_behalf is True
    assert expense(grant, "10.00", applicant).on_behalf is False
    with pytest.raises(PermissionDenied):
        expense(grant, "10.00", outsider)
    item = grant.expenses.first()
    with pytest.raises(ValidationError, match=r"why|perché"):
        services.review_expense(item=item, approve=False, reason=" ", by=operator)
    services.review_expense(item=item, approve=True, by=operator)
    item.refresh_from_db()
    assert item.status == ExpenseStatus.APPROVED


def test_microcredit_lifecycle_and_fund_ledger(operator):
    fund = f.fund("25000.00", instrument=Instrument.MICROCREDIT)
    project = f.project()
    lender = f.organisation("Banca Etica")
    loan = services.request_microcredit(
        application=project.application,
        lender=lender,
        amount=D("20000.00"),
        term_months=60,
        requested_on=date(2025, 2, 1),
        fund=fund,
        by=operator,
    )
    assert ledger(fund).committed == D("0.00")
    with pytest.raises(ValidationError):
        services.move_microcredit(
            microcredit=loan, to=MicrocreditStatus.REPAID, on=date(2025, 3, 1), by=operator
        )
    services.move_microcredit(
        microcredit=loan, to=MicrocreditStatus.GRANTED, on=date(2025, 3, 1), by=operator
    )
    assert ledger(fund).available == D("5000.00")
    other = services.request_microcredit(
        application=f.project().application,
        lender=lender,
        amount=D("5000.01"),
        term_months=36,
        requested_on=date(2025, 2, 1),
        fund=fund,
        by=operator,
    )
    with pytest.raises(ValidationError, match=r"5\.000,00"):
        services.move_microcredit(
            microcredit=other, to=MicrocreditStatus.GRANTED, on=date(2025, 3, 1), by=operator
        )
    for status in (MicrocreditStatus.REPAYING, MicrocreditStatus.REPAID):
        loan = services.move_microcredit(
            microcredit=loan, to=status, on=date(2026, 3, 1), by=operator
        )
    assert loan.status == MicrocreditStatus.REPAID


def test_ledger_totals_over_all_funds(operator):
    first, second = f.fund("1000.00"), f.fund("2000.50")
    grant = award(f.project(), first, "400.25", by=operator)
    award(f.project(), second, "0.25", by=operator)
    services.record_disbursement(
        grant=grant,
        tranche=grant.tranches.first(),
        paid_on=date(2025, 4, 1),
        amount=D("100.00"),
        by=operator,
    )
    assert Fund.objects.ledger_totals() == {
        "budget": D("3000.50"),
        "committed": D("400.50"),
        "paid": D("100.00"),
        "available": D("2600.00"),
    }


def test_ledger_figures_are_exact_decimals_with_two_places(operator):
    """Not merely equal: exactly two places, so nothing shows 8.32000000000001."""
    fund = f.fund("100.00")
    first = award(f.project(), fund, "0.10", by=operator)
    award(f.project(), fund, "0.20", by=operator)
    award(f.project(), fund, "91.38", by=operator)
    services.record_disbursement(
        grant=first,
        tranche=first.tranches.first(),
        paid_on=date(2025, 4, 1),
        amount=D("0.10"),
        by=operator,
    )
    row = ledger(fund)
    figures = [row.committed, row.paid, row.available, *Fund.objects.ledger_totals().values()]
    assert [str(x) for x in figures] == ["91.68", "0.10", "8.32", "100.00", "91.68", "0.10", "8.32"]
    grant = Grant.objects.with_figures().get(pk=first.pk)
    assert (str(grant.paid), str(grant.approved_expenses)) == ("0.10", "0.00")


AMOUNTS = st.decimals(min_value=D("0.01"), max_value=D("4000.00"), places=2)
STEPS = st.lists(
    st.tuples(st.sampled_from(["award", "pay", "reduce", "revoke", "cancel"]), AMOUNTS),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(budget=AMOUNTS, steps=STEPS)
# Sums that binary floating point gets wrong (0.1 + 0.2; 100 - 91.68 = 8.3199999...).
@example(budget=D("1.00"), steps=[("award", D("0.10")), ("award", D("0.20")), ("pay", D("0.20"))])
@example(budget=D("100.00"), steps=[("award", D("91.68")), ("award", D("8.32"))])
@example(
    budget=D("10.00"),
    steps=[("award", D("10.00")), ("pay", D("4.00")), ("cancel", D("1")), ("revoke", D("1"))],
)
# Reductions adding up to the whole award (SQLite once summed them as floats: 0.1 + 0.2 > 0.3).
@example(
    budget=D("1.00"),
    steps=[("award", D("0.30")), ("reduce", D("0.10")), ("reduce", D("0.20"))],
)
def test_the_ledger_always_adds_up(operator, budget, steps):
    """Whatever operators try, in any order, the fund never goes negative and adds up."""
    fund = f.fund(str(budget))
    grants = []
    for action, amount in steps:
        try:
            if action == "award":
                grants.append(award(f.project(), fund, str(amount), by=operator))
            elif grants and action == "pay":
                services.record_disbursement(
                    grant=grants[-1],
                    tranche=grants[-1].tranches.first(),
                    paid_on=date(2025, 4, 1),
                    amount=amount,
                    by=operator,
                )
            elif action == "cancel":
                payment = services.Disbursement.objects.filter(grant__fund=fund).first()
                if payment is not None:
                    services.cancel_disbursement(
                        disbursement=payment, reason="pagamento errato", by=operator
                    )
            elif grants:
                services.revoke_grant(
                    grant=grants[0],
                    kind=RevocationKind.REDUCTION
                    if action == "reduce"
                    else RevocationKind.REVOCATION,
                    amount=amount if action == "reduce" else None,
                    decided_on=date(2025, 5, 1),
                    reason="verifica",
                    by=operator,
                )
        except ValidationError:
            pass
    row = ledger(fund)
    net = sum((g.net_amount for g in Grant.objects.filter(fund=fund)), D("0.00"))
    paid = sum(
        (d.amount for d in services.Disbursement.objects.filter(grant__fund=fund)), D("0.00")
    )
    assert row.committed == net
    assert row.paid == paid
    assert row.available == budget - net
    assert row.available >= 0
    cancelled = services.Disbursement.all_objects.filter(
        grant__fund=fund, cancelled_at__isnull=False
    )
    assert row.paid + sum((d.amount for d in cancelled), D("0.00")) == sum(
        (d.amount for d in services.Disbursement.all_objects.filter(grant__fund=fund)), D("0.00")
    )
    for grant in Grant.objects.filter(fund=fund).with_figures():
        assert grant.paid <= grant.net_amount


@given(value=st.decimals(min_value=D("0"), max_value=D("9999999999.99"), places=2))
def test_amounts_typed_the_italian_way_read_back_exactly(value):
    from django.utils.formats import number_format

    from insieme.core.decimals import parse_amount

    italian = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    assert D(parse_amount(italian)) == value
    assert D(parse_amount(f"€ {italian}")) == value
    assert D(parse_amount(str(value))) == value
