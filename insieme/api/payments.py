"""Paying a grant's tranches and reducing a grant to its approved expenses, for the operators.

As the web pages of insieme/grants/views.py: the role of the gate's action (403), the grant in
`Grant.objects.visible_to(user)` (404), the values through the page's own form (422), then the
grants service, whose gate refuses what the plan and the expenses do not allow (409: a balance
the approved expenses do not cover, a payment above what is due or in the future...).
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema, Status

from insieme.api.core import cleaned, current_user, require_role
from insieme.api.endpoints import WRITE_ERRORS, disbursement_out, grant_out
from insieme.api.schemas import Amount, DisbursementOut, GrantOut, Id, IsoDate, LongText
from insieme.core import rules
from insieme.grants import services
from insieme.grants.forms import CoverageReductionForm, PayTrancheForm
from insieme.grants.models import Grant, Tranche

router = Router(tags=["grants"])


class TranchePaymentIn(Schema):
    paid_on: IsoDate
    amount: Amount | None = Field(
        None,
        description=gettext_noop(
            "Left out: what the tranche may be paid now (its due amount; for a tranche "
            "released by approved expenses, at most those)."
        ),
    )


class CoverageReductionIn(Schema):
    decided_on: IsoDate
    reason: LongText


def _value(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@router.post(
    "/tranches/{tranche_id}/payment",
    response={201: DisbursementOut, **WRITE_ERRORS},
    summary=gettext_noop("Pay a tranche of a grant (operators, administrators)"),
    description=gettext_noop(
        "The tranche's condition must be met; the balance (the plan's last tranche) is paid "
        "only when the approved expenses cover the grant (409 `expenses_not_covering`, with "
        "what is missing: then have more expenses approved, or reduce the grant with "
        "`POST /grants/{id}/reduction-to-covered`). Never above what is due, never in the "
        "future. The webhook `disbursement.paid` fires."
    ),
)
def pay_tranche(request: HttpRequest, tranche_id: Id, body: TranchePaymentIn) -> Any:
    user = current_user(request)
    require_role(user, *rules.action("tranche.pay").roles)
    tranche = get_object_or_404(
        Tranche.objects.filter(grant__in=Grant.objects.visible_to(user)), pk=tranche_id
    )
    data = cleaned(PayTrancheForm({k: _value(v) for k, v in body.model_dump().items()}))
    payment = services.pay_tranche(
        tranche=tranche, paid_on=data["paid_on"], amount=data["amount"], by=user
    )
    return Status(201, disbursement_out(payment))


@router.post(
    "/grants/{grant_id}/reduction-to-covered",
    response={200: GrantOut, **WRITE_ERRORS},
    summary=gettext_noop("Reduce a grant to its approved expenses (operators, administrators)"),
    description=gettext_noop(
        "The net amount becomes the approved expenses: a reduction with its reason, counted "
        "in the revoked amounts, never below what has been paid (409 `already_covered`, "
        "`nothing_approved`). The webhook `grant.revoked` fires."
    ),
)
def reduce_to_covered(request: HttpRequest, grant_id: Id, body: CoverageReductionIn) -> Any:
    user = current_user(request)
    require_role(user, *rules.action("grant.reduce_to_covered").roles)
    grant = get_object_or_404(Grant.objects.visible_to(user), pk=grant_id)
    data = cleaned(CoverageReductionForm({k: _value(v) for k, v in body.model_dump().items()}))
    services.reduce_to_covered(grant=grant, **data, by=user)
    return grant_out(Grant.objects.get(pk=grant.pk))
