"""Payments of tranches, their cancellation, reductions and revocations of grants."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.grants import events
from insieme.grants.figures import approved_expenses, eur, paid_on_grant, tranche_schedule
from insieme.grants.models import ZERO, Disbursement, Grant, Revocation, RevocationKind, Tranche


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
    """Pay a tranche what it may be paid now (or `amount`, not more): the gate's
    `tranche.pay` asks that its condition is met and, for the balance, that the approved
    expenses cover the grant; a tranche released by expenses is paid at most what they are."""
    grant = Grant.objects.select_for_update().get(pk=tranche.grant_id)
    state = next(s for s in tranche_schedule(grant) if s.tranche.pk == tranche.pk)
    tranche = state.tranche
    tranche.grant = grant
    rules.require(by, "tranche.pay", tranche)
    return record_disbursement(
        grant=grant,
        paid_on=paid_on,
        amount=state.allowed if amount is None else amount,
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
    check_decided_on(decided_on)
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
    return _take_back(grant, name, kind, amount, decided_on, reason, by)


def _take_back(grant, name, kind, amount, decided_on, reason, by) -> Revocation:
    # In Python, on the row locked above: SQLite would add the two amounts as binary floats
    # (0.10 + 0.20 > 0.30) and trip the check that nothing is revoked beyond the award.
    rules.transition(grant, name, by=by, amount_revoked=grant.amount_revoked + amount)
    revocation = Revocation.objects.create(
        grant=grant, kind=kind, amount=amount, decided_on=decided_on, reason=reason.strip()
    )
    return events.grant_revoked(revocation, grant)


def check_decided_on(decided_on: date) -> None:
    if decided_on > timezone.localdate():
        raise ValidationError(
            _(
                "The date of the decision %(date)s is in the future: record the reduction or "
                "revocation once it has been decided."
            ),
            code="decided_in_future",
            params={"date": decided_on.strftime("%d/%m/%Y")},
        )


@dataclass(frozen=True)
class Coverage:
    """The arithmetic of reducing a grant to what its approved expenses cover."""

    awarded: Decimal
    revoked: Decimal
    net: Decimal
    approved: Decimal
    paid: Decimal

    @property
    def new_net(self) -> Decimal:
        """What the approved expenses cover; never below what has been paid already."""
        return min(max(self.approved, self.paid), self.net)

    @property
    def reduction(self) -> Decimal:
        return self.net - self.new_net

    @property
    def paid_beyond_expenses(self) -> Decimal:
        """Paid already (an advance) and not covered by approved expenses: the reduction
        cannot take it back; recovering it is a matter outside the platform."""
        return max(self.paid - self.approved, ZERO)

    @property
    def still_to_pay(self) -> Decimal:
        return max(self.new_net - self.paid, ZERO)


def coverage(grant: Grant) -> Coverage:
    return Coverage(
        awarded=grant.amount_awarded,
        revoked=grant.amount_revoked,
        net=grant.net_amount,
        approved=approved_expenses(grant),
        paid=paid_on_grant(grant),
    )


@service
def reduce_to_covered(*, grant: Grant, decided_on: date, reason: str, by) -> Revocation:
    """Reduce the grant to its approved expenses, so that the balance is paid on what they
    cover: a reduction (a partial revocation, counted in the revoked amounts), with the
    arithmetic written in the audit log. What has been paid already is never taken back: when
    an advance is more than the approved expenses the grant goes down to what was paid and
    nothing is left to pay. The gate's `grant.reduce_to_covered` refuses when the expenses
    already cover the grant and when none is approved (that is a revocation)."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    rules.require(by, "grant.reduce_to_covered", grant)
    if not reason.strip():
        raise ValidationError(
            _("Say why the grant is reduced to the approved expenses."), code="reason_required"
        )
    check_decided_on(decided_on)
    figures = coverage(grant)
    revocation = _take_back(
        grant,
        "grant.reduce_to_covered",
        RevocationKind.REDUCTION,
        figures.reduction,
        decided_on,
        reason,
        by,
    )
    log_event(
        grant,
        by=by,
        event="grant_reduced_to_covered",
        details={
            "net_before": str(figures.net),
            "approved_expenses": str(figures.approved),
            "reduction": str(figures.reduction),
            "net_after": str(figures.new_net),
            "paid": str(figures.paid),
            "paid_beyond_expenses": str(figures.paid_beyond_expenses),
            "reason": reason.strip(),
        },
    )
    return revocation
