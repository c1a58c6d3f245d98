"""A payment cancelled by mistake stops counting in every figure, and comes back if paid again."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from insieme.grants import services
from insieme.grants.models import Disbursement
from insieme.grants.services import TranchePlan
from insieme.impact.figures import Filters, compute, records
from insieme.projects.tests import factories as f


def test_cancelled_payments_are_not_paid_out(operator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = f.project()
    grant = services.award_grant(
        application=project.application,
        fund=f.fund("10000.00"),
        amount=Decimal("5000.00"),
        awarded_on=date(2025, 3, 1),
        tranches=[TranchePlan(percentage=Decimal("40")), TranchePlan(percentage=Decimal("60"))],
        by=operator,
    )
    first, second = grant.tranches.all()
    # The second is the balance: paid once the approved expenses cover the grant.
    item = services.submit_expense(
        grant=grant,
        supplier="Forniture srl",
        invoice_number="1/2025",
        invoice_date=date(2025, 3, 1),
        description="Attrezzatura",
        category="attrezzature",
        amount=Decimal("5000.00"),
        attachment=SimpleUploadedFile(
            "f.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
        by=operator,
    )
    services.review_expense(item=item, approve=True, by=operator)
    mistaken = services.pay_tranche(tranche=first, paid_on=date(2025, 3, 2), by=operator)
    services.pay_tranche(tranche=second, paid_on=date(2025, 3, 2), by=operator)
    assert compute()["projects"]["grants_disbursed_eur"] == "5000.00"

    services.cancel_disbursement(disbursement=mistaken, reason="Importo errato", by=operator)
    assert compute()["projects"]["grants_disbursed_eur"] == "3000.00"
    assert list(records(Filters(), "projects.grants_disbursed_eur")) == list(
        Disbursement.objects.filter(tranche=second)
    )

    services.pay_tranche(tranche=first, paid_on=date(2025, 3, 4), by=operator)
    assert compute()["projects"]["grants_disbursed_eur"] == "5000.00"
    assert Disbursement.all_objects.count() == 3
