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
    TranchePlan(
        percentage=D("60"), condition=TrancheCondition.FINAL_REPORT, description="saldo"
    ),
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


def test_the_balance_is_refused_while_approved_expenses_do_not_cover_the_grant(
    operator, applicant
):
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

    grant, balance = the_defect(operator, applicant)
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
