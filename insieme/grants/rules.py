"""What may be done to funds, grants, tranches, payments, expenses, final reports and
microcredits, by whom and when (see insieme/core/rules.py).

Where a guard needs what is proposed (an amount, a date), the action is asked of the unsaved row
the service is about to write: `grant.award` of the new Grant, `disbursement.record` of the new
Disbursement, `microcredit.request` of the new Microcredit.
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.core import rules
from insieme.core.rules import Action, Refusal, Workflow, refuse, register
from insieme.grants import figures
from insieme.grants.figures import eur
from insieme.grants.models import (
    DE_MINIMIS_CEILING,
    ZERO,
    Disbursement,
    ExpenseItem,
    ExpenseStatus,
    FinalReport,
    Grant,
    GrantStatus,
    Instrument,
    Microcredit,
    MicrocreditStatus,
    PaymentStatus,
    Tranche,
    TrancheStatus,
)

STAFF = frozenset({Role.OPERATOR, Role.ADMIN})
# Who reports on a grant: the project's own accounts (applicants), or staff on its behalf.
REPORTERS = frozenset({Role.APPLICANT, Role.OPERATOR, Role.ADMIN})


# Who -----------------------------------------------------------------------------------------


def reports_for(user: Any, grant: Grant) -> bool:
    """True when `user` is one of the project's own reporting accounts (cached on the grant)."""
    cache: dict[int, bool] = grant.__dict__.setdefault("_reporters", {})
    if user.pk not in cache:
        from insieme.projects.models import Project

        cache[user.pk] = (
            Project.objects.reported_by(user).filter(application=grant.application_id).exists()
        )
    return cache[user.pk]


def _reporter_or_staff(user: Any, grant: Grant) -> Refusal | None:
    if user.has_role(*STAFF) or reports_for(user, grant):
        return None
    return refuse(
        _("Only the project's applicants or an operator can report on this grant."),
        "not_reporter",
    )


def reporter_or_staff(user: Any, grant: Grant) -> Refusal | None:
    return _reporter_or_staff(user, grant)


def item_reporter_or_staff(user: Any, item: ExpenseItem) -> Refusal | None:
    return _reporter_or_staff(user, item.grant)


# Guards: awards ------------------------------------------------------------------------------


def _positive(amount) -> Refusal | None:
    if amount is None or amount <= 0:
        return refuse(_("The amount must be above zero."), "not_positive")
    return None


def award_positive(user: Any, grant: Grant) -> Refusal | None:
    return _positive(grant.amount_awarded)


def award_instrument(user: Any, grant: Grant) -> Refusal | None:
    assert grant.fund is not None
    if grant.fund.instrument != Instrument.GRANT:
        return refuse(
            _("The fund %(fund)s does not give non-repayable grants."),
            "wrong_instrument",
            fund=grant.fund.name,
        )
    return None


def award_in_period(user: Any, grant: Grant) -> Refusal | None:
    fund, day = grant.fund, grant.awarded_on
    assert fund is not None
    assert day is not None
    if (fund.starts_on and day < fund.starts_on) or (fund.ends_on and day > fund.ends_on):
        return refuse(
            _("The award date is outside the period of the fund %(fund)s."),
            "outside_period",
            fund=fund.name,
        )
    return None


def _within_fund(fund, amount) -> Refusal | None:
    available = figures.fund_available(fund)
    if amount > available:
        return refuse(
            _(
                "The fund %(fund)s has %(available)s available: an award of %(amount)s "
                "would exceed it."
            ),
            "over_allocation",
            fund=fund.name,
            available=eur(available),
            amount=eur(amount),
        )
    return None


def award_within_fund(user: Any, grant: Grant) -> Refusal | None:
    return _within_fund(grant.fund, grant.amount_awarded)


def award_not_in_future(user: Any, grant: Grant) -> Refusal | None:
    """An award records a decision taken: it is not dated after today."""
    day = grant.awarded_on
    if day is None or day <= timezone.localdate():
        return None
    return refuse(
        _(
            "The award date %(date)s is in the future: record the grant once it has been "
            "awarded, with the date of the decision."
        ),
        "awarded_in_future",
        date=day.strftime("%d/%m/%Y"),
    )


def award_within_call_budget(user: Any, grant: Grant) -> Refusal | None:
    """The grants of a call's projects never add up to more than the call's budget."""
    call = grant.application.call
    if call.budget is None:
        return None
    awarded = figures.awarded_on_call(call)
    if awarded + grant.amount_awarded <= call.budget:
        return None
    return refuse(
        _(
            "The call %(call)s has a budget of %(budget)s and its projects have already been "
            "awarded %(awarded)s: an award of %(amount)s would exceed it. Award at most "
            "%(left)s."
        ),
        "above_call_budget",
        call=call.code,
        budget=eur(call.budget),
        awarded=eur(awarded),
        amount=eur(grant.amount_awarded),
        left=eur(max(call.budget - awarded, ZERO)),
    )


def award_within_call_maximum(user: Any, grant: Grant) -> Refusal | None:
    """A project never gets more, in all its grants, than the call allows one application."""
    call = grant.application.call
    if call.max_request is None:
        return None
    awarded = figures.awarded_on_application(grant.application)
    if awarded + grant.amount_awarded <= call.max_request:
        return None
    return refuse(
        _(
            "The call %(call)s allows at most %(maximum)s per application and this project has "
            "already been awarded %(awarded)s: an award of %(amount)s would exceed it. Award at "
            "most %(left)s."
        ),
        "above_call_maximum",
        call=call.code,
        maximum=eur(call.max_request),
        awarded=eur(awarded),
        amount=eur(grant.amount_awarded),
        left=eur(max(call.max_request - awarded, ZERO)),
    )


def award_has_undertaking(user: Any, grant: Grant) -> Refusal | None:
    assert grant.fund is not None
    if grant.fund.de_minimis and grant.beneficiary is None:
        return refuse(
            _(
                "The fund gives de minimis aid to undertakings: register the applicant's "
                "undertaking in the organisations registry first."
            ),
            "no_undertaking",
        )
    return None


def award_within_de_minimis(user: Any, grant: Grant) -> Refusal | None:
    """Regulation (EU) 2023/2831: at most the ceiling over three years to one undertaking."""
    assert grant.fund is not None
    assert grant.awarded_on is not None
    if not grant.fund.de_minimis or grant.beneficiary is None:
        return None
    amount = grant.amount_awarded
    received = figures.de_minimis_total(grant.beneficiary, grant.awarded_on)
    if received + amount <= DE_MINIMIS_CEILING:
        return None
    start, _end = figures.de_minimis_window(grant.awarded_on)
    return refuse(
        _(
            "De minimis ceiling exceeded: %(beneficiary)s has received %(received)s "
            "since %(start)s; with %(amount)s more it would reach %(total)s, "
            "above the ceiling of %(ceiling)s."
        ),
        "de_minimis",
        beneficiary=grant.beneficiary.name,
        received=eur(received),
        start=start.strftime("%d/%m/%Y"),
        amount=eur(amount),
        total=eur(received + amount),
        ceiling=eur(DE_MINIMIS_CEILING),
    )


# Guards: tranches and payments ---------------------------------------------------------------


def tranche_condition_met(user: Any, tranche: Tranche) -> Refusal | None:
    """A tranche is paid only once its condition holds: e.g. a balance released by approved
    expenses is paid when the approved expenses cover the threshold."""
    state = figures.tranche_state(tranche)
    if state.paid or state.condition_met:
        return None
    return refuse(
        _("%(tranche)s cannot be paid yet: %(missing)s."),
        "condition_not_met",
        tranche=figures.tranche_label(tranche),
        missing=state.missing,
    )


def tranche_covered(user: Any, tranche: Tranche) -> Refusal | None:
    """The balance is paid only when the approved expenses cover the grant's net amount."""
    state = figures.tranche_state(tranche)
    if state.paid or state.covered:
        return None
    return refuse(
        _(
            "%(tranche)s cannot be paid: it is the balance and the approved expenses "
            "(%(approved)s) do not cover the grant (%(net)s): %(missing)s missing. Have more "
            "expenses approved or reduce the grant to what they cover."
        ),
        "expenses_not_covering",
        tranche=figures.tranche_label(tranche),
        approved=eur(state.approved),
        net=eur(tranche.grant.net_amount),
        missing=eur(state.uncovered),
    )


def tranche_something_due(user: Any, tranche: Tranche) -> Refusal | None:
    state = figures.tranche_state(tranche)
    if state.paid or state.due > 0:
        return None
    return refuse(
        _("%(tranche)s cannot be paid: nothing is left of the grant's net amount of %(net)s."),
        "nothing_due",
        tranche=figures.tranche_label(tranche),
        net=eur(tranche.grant.net_amount),
    )


def payment_positive(user: Any, payment: Disbursement) -> Refusal | None:
    return _positive(payment.amount)


def payment_not_in_future(user: Any, payment: Disbursement) -> Refusal | None:
    """A payment records money that has gone out: it is not dated after today."""
    today = timezone.localdate()
    if payment.paid_on is None or payment.paid_on <= today:
        return None
    return refuse(
        _(
            "The payment date %(date)s is in the future: record the payment once it has been "
            "made, with the date it was made."
        ),
        "paid_in_future",
        date=payment.paid_on.strftime("%d/%m/%Y"),
    )


def payment_through_plan(user: Any, payment: Disbursement) -> Refusal | None:
    """A grant with a payment plan is paid tranche by tranche, never around the plan."""
    if payment.tranche is not None or not payment.grant.tranches.exists():
        return None
    return refuse(
        _("The grant %(grant)s has a payment plan: pay it tranche by tranche."),
        "outside_plan",
        grant=payment.grant.code,
    )


def payment_tranche_released(user: Any, payment: Disbursement) -> Refusal | None:
    """A payment on a tranche asks what paying the tranche asks: its condition, and for the
    balance approved expenses that cover the grant."""
    if payment.tranche is None:
        return None
    return tranche_condition_met(user, payment.tranche) or tranche_covered(user, payment.tranche)


def payment_within_expenses(user: Any, payment: Disbursement) -> Refusal | None:
    """A tranche released by approved expenses pays at most what they are."""
    if payment.tranche is None:
        return None
    state = figures.tranche_state(payment.tranche)
    if not state.released_by_expenses or payment.amount <= state.approved:
        return None
    return refuse(
        _(
            "%(tranche)s: %(amount)s is more than the approved expenses (%(approved)s); a "
            "tranche released by approved expenses pays at most what they are."
        ),
        "above_expenses",
        tranche=figures.tranche_label(payment.tranche),
        amount=eur(payment.amount),
        approved=eur(state.approved),
    )


def payment_after_award(user: Any, payment: Disbursement) -> Refusal | None:
    awarded_on = payment.grant.awarded_on
    if payment.tranche is None or not awarded_on or payment.paid_on >= awarded_on:
        return None
    return refuse(
        _("%(tranche)s: the payment date cannot precede the award (%(date)s)."),
        "paid_before_award",
        tranche=figures.tranche_label(payment.tranche),
        date=awarded_on.strftime("%d/%m/%Y"),
    )


def payment_within_due(user: Any, payment: Disbursement) -> Refusal | None:
    if payment.tranche is None:
        return None
    due = figures.tranche_state(payment.tranche).due
    if payment.amount <= due:
        return None
    return refuse(
        _(
            "%(tranche)s: %(amount)s is more than the %(due)s due for it; "
            "a larger payment would take money from the next tranches."
        ),
        "above_due",
        tranche=figures.tranche_label(payment.tranche),
        amount=eur(payment.amount),
        due=eur(due),
    )


def payment_within_net(user: Any, payment: Disbursement) -> Refusal | None:
    """A payment never goes above what remains of the grant's net amount."""
    grant = payment.grant
    paid = figures.paid_on_grant(grant)
    if paid + payment.amount <= grant.net_amount:
        return None
    return refuse(
        _(
            "Payment refused: %(paid)s already paid plus %(amount)s would be "
            "%(total)s, above the grant's net amount of %(net)s."
        ),
        "above_net",
        paid=eur(paid),
        amount=eur(payment.amount),
        total=eur(paid + payment.amount),
        net=eur(grant.net_amount),
    )


# Guards: reducing a grant to what the approved expenses cover --------------------------------


def _approved(grant: Grant):
    """The grant's approved expenses: as the page's query annotated them, or counted now."""
    annotated = getattr(grant, "approved_expenses", None)
    return figures.approved_expenses(grant) if annotated is None else annotated


def coverage_falls_short(user: Any, grant: Grant) -> Refusal | None:
    approved = _approved(grant)
    if approved < grant.net_amount:
        return None
    return refuse(
        _(
            "The approved expenses (%(approved)s) already cover the grant's net amount "
            "(%(net)s): there is nothing to reduce."
        ),
        "already_covered",
        approved=eur(approved),
        net=eur(grant.net_amount),
    )


def coverage_something_approved(user: Any, grant: Grant) -> Refusal | None:
    if _approved(grant) > 0:
        return None
    return refuse(
        _(
            "No expense of this grant has been approved: reducing it to what is covered "
            "would take all of it. To take the whole grant back, revoke it, with the reason."
        ),
        "nothing_approved",
    )


# Guards: reports -----------------------------------------------------------------------------


def expense_not_reviewed_to_change(user: Any, item: ExpenseItem) -> Refusal | None:
    if item.status == ExpenseStatus.PENDING:
        return None
    return refuse(
        _(
            "The expense %(invoice)s has already been reviewed: ask an operator to reopen "
            "it before correcting it."
        ),
        "already_reviewed",
        invoice=item.invoice_number,
    )


def expense_not_reviewed_to_withdraw(user: Any, item: ExpenseItem) -> Refusal | None:
    if item.status == ExpenseStatus.PENDING:
        return None
    return refuse(
        _(
            "The expense %(invoice)s has already been reviewed and can no longer be "
            "withdrawn: an operator can reopen it."
        ),
        "already_reviewed",
        invoice=item.invoice_number,
    )


def no_report_in_force(user: Any, grant: Grant) -> Refusal | None:
    current = grant.final_reports.exclude(status=ExpenseStatus.REJECTED).first()
    if current is None:
        return None
    return refuse(
        _("A final report is already %(status)s: it cannot be submitted again."),
        "report_exists",
        status=current.get_status_display().lower(),
    )


# Guards: microcredit -------------------------------------------------------------------------


def microcredit_instrument(user: Any, microcredit: Microcredit) -> Refusal | None:
    fund = microcredit.fund
    if fund is not None and fund.instrument != Instrument.MICROCREDIT:
        return refuse(
            _("The fund %(fund)s does not give microcredit."), "wrong_instrument", fund=fund.name
        )
    return None


def microcredit_within_fund(user: Any, microcredit: Microcredit) -> Refusal | None:
    if microcredit.fund is None:
        return None
    return _within_fund(microcredit.fund, microcredit.amount)


# The table -----------------------------------------------------------------------------------

FUND_CREATE = Action("fund.create", STAFF, label=_("Create a fund"))
DE_MINIMIS_DECLARE = Action(
    "de_minimis.record_declaration", STAFF, label=_("Record a self-declaration")
)
GRANT_AWARD = Action(
    "grant.award",
    STAFF,
    label=_("Award a grant"),
    guards=(
        award_positive,
        award_not_in_future,
        award_instrument,
        award_in_period,
        award_within_call_budget,
        award_within_call_maximum,
        award_within_fund,
        award_has_undertaking,
        award_within_de_minimis,
    ),
)

G = GrantStatus
GRANT = Workflow(Grant, "state", initial=G.AWARDED, choices=GrantStatus)
GRANT.transition(
    "grant.reduce", {G.AWARDED, G.REDUCED}, G.REDUCED, STAFF, label=_("Reduce the grant")
)
GRANT.transition(
    "grant.reduce_to_covered",
    {G.AWARDED, G.REDUCED},
    G.REDUCED,
    STAFF,
    label=_("Reduce the grant to the approved expenses"),
    guards=(coverage_falls_short, coverage_something_approved),
)
GRANT.transition(
    "grant.revoke", {G.AWARDED, G.REDUCED}, G.REVOKED, STAFF, label=_("Revoke the grant")
)

T = TrancheStatus
TRANCHE = Workflow(Tranche, "state", initial=T.PLANNED, choices=TrancheStatus)
TRANCHE.transition(
    "tranche.pay",
    # A planned tranche is asked too, so that the refusal says what its condition lacks.
    {T.PLANNED, T.PAYABLE},
    T.PAID,
    STAFF,
    label=_("Pay the tranche"),
    guards=(tranche_condition_met, tranche_something_due, tranche_covered),
)

DISBURSEMENT_RECORD = Action(
    "disbursement.record",
    STAFF,
    label=_("Record a payment"),
    guards=(
        payment_positive,
        payment_not_in_future,
        payment_after_award,
        payment_through_plan,
        payment_tranche_released,
        payment_within_due,
        payment_within_expenses,
        payment_within_net,
    ),
)
P = PaymentStatus
DISBURSEMENT = Workflow(Disbursement, "state", initial=P.IN_FORCE, choices=PaymentStatus)
DISBURSEMENT.transition(
    "disbursement.cancel", {P.IN_FORCE}, P.CANCELLED, STAFF, label=_("Cancel the payment")
)

E = ExpenseStatus
EXPENSE_SUBMIT = Action(
    "expense.submit", REPORTERS, label=_("Report an expense"), who=reporter_or_staff
)
EXPENSE_CHANGE = Action(
    "expense.change",
    REPORTERS,
    label=_("Correct the expense"),
    who=item_reporter_or_staff,
    guards=(expense_not_reviewed_to_change,),
)
EXPENSE_WITHDRAW = Action(
    "expense.withdraw",
    REPORTERS,
    label=_("Withdraw the expense"),
    who=item_reporter_or_staff,
    guards=(expense_not_reviewed_to_withdraw,),
)
EXPENSE = Workflow(ExpenseItem, "status", initial=E.PENDING)
EXPENSE.transition("expense.approve", {E.PENDING}, E.APPROVED, STAFF, label=_("Approve"))
EXPENSE.transition("expense.reject", {E.PENDING}, E.REJECTED, STAFF, label=_("Reject"))
EXPENSE.transition(
    "expense.reopen", {E.APPROVED, E.REJECTED}, E.PENDING, STAFF, label=_("Reopen for review")
)

FINAL_REPORT_SUBMIT = Action(
    "final_report.submit",
    REPORTERS,
    label=_("Submit the final report"),
    who=reporter_or_staff,
    guards=(no_report_in_force,),
)
FINAL_REPORT = Workflow(FinalReport, "status", initial=E.PENDING)
FINAL_REPORT.transition(
    "final_report.approve", {E.PENDING}, E.APPROVED, STAFF, label=_("Approve the final report")
)
FINAL_REPORT.transition(
    "final_report.reject", {E.PENDING}, E.REJECTED, STAFF, label=_("Reject the final report")
)

M = MicrocreditStatus
MICROCREDIT_REQUEST = Action(
    "microcredit.request",
    STAFF,
    label=_("Record a microcredit"),
    guards=(microcredit_instrument,),
)
MICROCREDIT = Workflow(Microcredit, "status", initial=M.REQUESTED)
MICROCREDIT.transition(
    "microcredit.grant",
    {M.REQUESTED},
    M.GRANTED,
    STAFF,
    label=_("Grant the microcredit"),
    guards=(microcredit_within_fund,),
)
MICROCREDIT.transition(
    "microcredit.start_repayment", {M.GRANTED}, M.REPAYING, STAFF, label=_("Repayment started")
)
MICROCREDIT.transition("microcredit.repaid", {M.REPAYING}, M.REPAID, STAFF, label=_("Repaid"))
MICROCREDIT.transition(
    "microcredit.default", {M.GRANTED, M.REPAYING}, M.DEFAULTED, STAFF, label=_("Defaulted")
)


def microcredit_transition(to: str) -> str | None:
    """The name of the declared move that takes a microcredit to status `to` (None if none)."""
    for transition in MICROCREDIT.transitions:
        if transition.target == to:
            return transition.name
    return None


register(
    FUND_CREATE,
    DE_MINIMIS_DECLARE,
    GRANT_AWARD,
    GRANT,
    TRANCHE,
    DISBURSEMENT_RECORD,
    DISBURSEMENT,
    EXPENSE_SUBMIT,
    EXPENSE_CHANGE,
    EXPENSE_WITHDRAW,
    EXPENSE,
    FINAL_REPORT_SUBMIT,
    FINAL_REPORT,
    MICROCREDIT_REQUEST,
    MICROCREDIT,
)


# What a refusal because of the state says in this domain, where the gate's "not possible in
# the current state" would say less: keyed by the action, given the object.
def _already_paid(tranche: Tranche) -> Refusal:
    return refuse(
        _("%(tranche)s has already been paid (%(paid)s)."),
        "tranche_paid",
        tranche=figures.tranche_label(tranche),
        paid=eur(figures.tranche_state(tranche).paid),
    )


def _already_cancelled(payment: Disbursement) -> Refusal:
    # (not `refuse`: its parameter "code" is the refusal's own)
    return Refusal(
        _("The payment %(code)s has already been cancelled."),
        "already_cancelled",
        {"code": payment.code},
    )


def _expense_reviewed(item: ExpenseItem) -> Refusal:
    return refuse(_("This expense has already been reviewed."), "already_reviewed")


def _expense_waiting(item: ExpenseItem) -> Refusal:
    return refuse(
        _("The expense %(invoice)s is already waiting for review."),
        "not_reviewed",
        invoice=item.invoice_number,
    )


def _report_reviewed(report: FinalReport) -> Refusal:
    return refuse(_("This final report has already been reviewed."), "already_reviewed")


def _nothing_to_revoke(grant: Grant) -> Refusal:
    return refuse(
        _("There is nothing left to revoke: the amount must be above zero."), "not_positive"
    )


_STATE_REASONS: dict[str, Callable[[Any], Refusal]] = {
    "tranche.pay": _already_paid,
    "disbursement.cancel": _already_cancelled,
    "expense.approve": _expense_reviewed,
    "expense.reject": _expense_reviewed,
    "expense.reopen": _expense_waiting,
    "final_report.approve": _report_reviewed,
    "final_report.reject": _report_reviewed,
    "grant.reduce": _nothing_to_revoke,
    "grant.reduce_to_covered": _nothing_to_revoke,
    "grant.revoke": _nothing_to_revoke,
}
for _name, _reason in _STATE_REASONS.items():
    rules.explain_state(_name, _reason)


def microcredit_cannot_become(microcredit: Microcredit, to: str) -> Refusal:
    return refuse(
        _("A microcredit that is %(current)s cannot become %(target)s."),
        "bad_transition",
        current=microcredit.get_status_display(),
        target=MicrocreditStatus(to).label,
    )


def _cannot_become(to: str) -> Callable[[Microcredit], Refusal]:
    return lambda microcredit: microcredit_cannot_become(microcredit, to)


for _move in MICROCREDIT.transitions:
    rules.explain_state(_move.name, _cannot_become(_move.target))
