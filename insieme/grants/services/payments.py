"""Payments of tranches, their cancellation, reductions and revocations of grants."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.grants import events
from insieme.grants.figures import eur, paid_on_grant, tranche_schedule
from insieme.grants.models import Disbursement, Grant, Revocation, RevocationKind, Tranche


@service
def record_disbursement(
    *,
    grant: Grant,
    paid_on: date,
    amount: Decimal,
    tranche: Tranche | None = None,
    code: str = "",
    by,
) -> Disbursement:
    """Record a payment on the grant (the gate's `disbursement.record`: never above what
    remains of the net amount, nor above what a tranche is due)."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    proposed = Disbursement(grant=grant, paid_on=paid_on, amount=amount, tranche=tranche)
    rules.require(by, "disbursement.record", proposed)
    # Cancelled payments keep their codes: count them too.
    count = Disbursement.all_objects.filter(grant=grant).count() + 1
    proposed.code = code or f"{grant.code}-E{count}"
    proposed.save(force_insert=True)
    return events.disbursement_paid(proposed)


@service
def pay_tranche(
    *, tranche: Tranche, paid_on: date, amount: Decimal | None = None, by
) -> Disbursement:
    """Pay a tranche what it is due now (or `amount`, not more): the gate's `tranche.pay`
    asks that its condition is met, e.g. that approved expenses cover a balance."""
    grant = Grant.objects.select_for_update().get(pk=tranche.grant_id)
    state = next(s for s in tranche_schedule(grant) if s.tranche.pk == tranche.pk)
    tranche = state.tranche
    tranche.grant = grant
    rules.require(by, "tranche.pay", tranche)
    return record_disbursement(
        grant=grant,
        paid_on=paid_on,
        amount=state.due if amount is None else amount,
        tranche=tranche,
        by=by,
    )


@service
def cancel_disbursement(*, disbursement: Disbursement, reason: str, by) -> Disbursement:
    """Cancel a payment recorded by mistake: the row stays, with who, when and why.

    The money goes back to "committed but not paid": the fund's committed amount does not
    change, its paid amount falls, and the tranche can be paid again.
    """
    grant = Grant.objects.select_for_update().get(pk=disbursement.grant_id)
    disbursement = Disbursement.all_objects.select_for_update().get(pk=disbursement.pk)
    rules.require(by, "disbursement.cancel", disbursement)
    if not reason.strip():
        raise ValidationError(
            _("Say why the payment %(code)s is cancelled."),
            code="reason_required",
            params={"code": disbursement.code},
        )
    rules.transition(
        disbursement,
        "disbursement.cancel",
        by=by,
        cancelled_at=timezone.now(),
        cancelled_by=by,
        cancel_reason=reason.strip(),
    )
    log_event(
        grant,
        by=by,
        event="disbursement_cancelled",
        details={
            "disbursement": disbursement.code,
            "amount": str(disbursement.amount),
            "reason": disbursement.cancel_reason,
        },
    )
    return events.disbursement_cancelled(disbursement)


@service
def revoke_grant(
    *,
    grant: Grant,
    kind: str,
    decided_on: date,
    reason: str,
    amount: Decimal | None = None,
    by,
) -> Revocation:
    """Reduce the grant by `amount`, or revoke everything not yet paid."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    name = "grant.revoke" if kind == RevocationKind.REVOCATION else "grant.reduce"
    rules.require(by, name, grant)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_required")
    paid = paid_on_grant(grant)
    unpaid = grant.net_amount - paid
    if kind == RevocationKind.REVOCATION and amount is None:
        amount = unpaid
    if amount is None or amount <= 0:
        raise ValidationError(
            _("There is nothing left to revoke: the amount must be above zero."),
            code="not_positive",
        )
    if amount > unpaid:
        raise ValidationError(
            _(
                "Cannot revoke %(amount)s: of the net amount of %(net)s, %(paid)s "
                "have been paid, so at most %(unpaid)s can be revoked."
            ),
            code="above_unpaid",
            params={
                "amount": eur(amount),
                "net": eur(grant.net_amount),
                "paid": eur(paid),
                "unpaid": eur(unpaid),
            },
        )
    # In Python, on the row locked above: SQLite would add the two amounts as binary floats
    # (0.10 + 0.20 > 0.30) and trip the check that nothing is revoked beyond the award.
    rules.transition(grant, name, by=by, amount_revoked=grant.amount_revoked + amount)
    revocation = Revocation.objects.create(
        grant=grant, kind=kind, amount=amount, decided_on=decided_on, reason=reason.strip()
    )
    return events.grant_revoked(revocation, grant)
