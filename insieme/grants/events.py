"""What the grants app tells the apps above it (`insieme.core.events`): payments and
revocations. Amounts as strings with two decimals; free-text reasons stay out (they may name
people)."""

from typing import Any

from insieme.core.events import emit

DISBURSEMENT_PAID = "disbursement.paid"
DISBURSEMENT_CANCELLED = "disbursement.cancelled"
GRANT_REVOKED = "grant.revoked"


def _disbursement(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "code": d.code,
        "grant": d.grant_id,
        "tranche": d.tranche_id,
        "paid_on": d.paid_on.isoformat(),
        "amount": f"{d.amount:.2f}",
    }


def disbursement_paid[T](disbursement: T) -> T:
    d: Any = disbursement
    emit(DISBURSEMENT_PAID, {"disbursement": _disbursement(d)}, obj=d)
    return disbursement


def disbursement_cancelled[T](disbursement: T) -> T:
    """A payment recorded by mistake was cancelled: its amount no longer counts as paid."""
    d: Any = disbursement
    payload = {"disbursement": {**_disbursement(d), "cancelled_at": d.cancelled_at.isoformat()}}
    emit(DISBURSEMENT_CANCELLED, payload, obj=d)
    return disbursement


def grant_revoked[T](revocation: T, grant: Any) -> T:
    """A grant was reduced or revoked: the amount taken away and the grant's amounts after it."""
    r: Any = revocation
    emit(
        GRANT_REVOKED,
        {
            "revocation": {
                "id": r.pk,
                "kind": r.kind,
                "amount": f"{r.amount:.2f}",
                "decided_on": r.decided_on.isoformat(),
            },
            "grant": {
                "id": grant.pk,
                "code": grant.code,
                "amount_awarded": f"{grant.amount_awarded:.2f}",
                "amount_revoked": f"{grant.amount_revoked:.2f}",
                "net_amount": f"{grant.net_amount:.2f}",
            },
        },
        obj=grant,
    )
    return revocation
