"""What the grants' figures are, computed from the records: the ledger of a fund, de minimis aid
received, each tranche's due amount and condition. No writes: the services and the gate's guards
(grants/rules.py) read them."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application
from insieme.core import money
from insieme.grants.models import (
    APPROVED_AMOUNT,
    CENT,
    DE_MINIMIS_YEARS,
    ZERO,
    DeMinimisDeclaration,
    Disbursement,
    ExpenseStatus,
    Fund,
    Grant,
    Tranche,
    TrancheCondition,
    TrancheStatus,
    to_cents,
)
from insieme.network.models import Organisation
from insieme.projects.models import MilestoneStatus


def eur(value: Decimal) -> str:
    """An amount in messages: "€ 10.000,00" (the one style of `insieme.core.money`)."""
    return money.eur(value)


def percent_text(value: Decimal) -> str:
    """40 -> "40", 33.33 -> "33,33" (in the active language)."""
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places, use_l10n=True)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _total(queryset, expression) -> Decimal:
    return to_cents(queryset.aggregate(total=Sum(expression))["total"])


def fund_available(fund: Fund) -> Decimal:
    return Fund.objects.with_ledger().values_list("available", flat=True).get(pk=fund.pk)  # type: ignore[misc]


def awarded_on_call(call) -> Decimal:
    """The net amount of the grants awarded to the projects of a call."""
    return _total(
        Grant.objects.filter(application__call=call), F("amount_awarded") - F("amount_revoked")
    )


def awarded_on_application(application) -> Decimal:
    """The net amount of the grants awarded to one application's project."""
    return _total(
        Grant.objects.filter(application=application),
        F("amount_awarded") - F("amount_revoked"),
    )


def paid_on_grant(grant: Grant) -> Decimal:
    """What the payments in force have paid on the grant."""
    return _total(Disbursement.objects.filter(grant=grant), "amount")


# De minimis ---------------------------------------------------------------------------------


def de_minimis_beneficiary(application: Application) -> Organisation | None:
    """The undertaking that receives the aid: the applicant organisation, or a sole trader's."""
    if application.applicant_organisation_id:
        return application.applicant_organisation
    if application.applicant_person_id:
        assert application.applicant_person is not None
        fiscal_code = application.applicant_person.fiscal_code
        return Organisation.objects.filter(fiscal_code=fiscal_code).first()
    return None


def de_minimis_window(on: date) -> tuple[date, date]:
    """The three years ending on `on`: aid granted from `start` to `on` included counts."""
    return years_before(on, DE_MINIMIS_YEARS), on


def de_minimis_total(organisation: Organisation, on: date) -> Decimal:
    start, end = de_minimis_window(on)
    platform = _total(
        Grant.objects.filter(
            beneficiary=organisation, fund__de_minimis=True, awarded_on__range=(start, end)
        ),
        F("amount_awarded") - F("amount_revoked"),
    )
    declared = _total(
        DeMinimisDeclaration.objects.filter(
            organisation=organisation, granted_on__range=(start, end)
        ),
        "amount",
    )
    return platform + declared


# Tranches ------------------------------------------------------------------------------------


def approved_expenses(grant: Grant) -> Decimal:
    """What the operators approved of the expenses reported (of a partial approval, the part
    approved)."""
    return _total(grant.expenses.filter(status=ExpenseStatus.APPROVED), APPROVED_AMOUNT)


def tranche_label(tranche: Tranche) -> str:
    """How messages name a tranche: "Tranche 2" or "Tranche 2 (balance)"."""
    if tranche.description:
        return str(
            _("Tranche %(number)s (%(description)s)")
            % {"number": tranche.position, "description": tranche.description}
        )
    return str(_("Tranche %(number)s") % {"number": tranche.position})


def is_balance(tranche: Tranche, tranches: list[Tranche]) -> bool:
    """The balance (saldo) is the last tranche of the plan: it is paid only once the approved
    expenses cover the grant. A grant paid at once at the award (one tranche, no condition)
    has no balance."""
    if len(tranches) == 1 and tranche.condition == TrancheCondition.NONE:
        return False
    return tranche.position == max(t.position for t in tranches)


@dataclass(frozen=True)
class TrancheState:
    """Where a tranche stands: paid, what it is due now, whether its condition is met, and —
    for the balance — how much of the grant the approved expenses do not cover yet."""

    tranche: Tranche
    paid: Decimal
    due: Decimal
    condition_met: bool
    missing: str  # what the condition still lacks, in words ("" when met)
    balance: bool = False
    approved: Decimal = ZERO  # the grant's approved expenses
    uncovered: Decimal = ZERO  # the balance only: net amount minus approved expenses, if above

    @property
    def covered(self) -> bool:
        return self.uncovered <= 0

    @property
    def released_by_expenses(self) -> bool:
        return self.tranche.condition in TrancheCondition.with_threshold()

    @property
    def allowed(self) -> Decimal:
        """The most that may be paid on the tranche now: what it is due, and for a tranche
        released by approved expenses not more than they are."""
        if self.released_by_expenses:
            return max(min(self.due, self.approved), ZERO)
        return self.due

    @property
    def payable(self) -> bool:
        return not self.paid and self.allowed > 0 and self.condition_met and self.covered

    @property
    def status(self) -> str:
        if self.paid:
            return TrancheStatus.PAID
        return TrancheStatus.PAYABLE if self.payable else TrancheStatus.PLANNED


def _missing(tranche: Tranche, grant: Grant, approved: Decimal, reports: set[str]) -> str:
    """What the tranche's condition still lacks ("" when it is met)."""
    if tranche.condition == TrancheCondition.APPROVED_EXPENSES:
        needed = tranche.threshold or ZERO
    elif tranche.condition == TrancheCondition.EXPENSES_SHARE:
        share = tranche.threshold or ZERO
        needed = (grant.net_amount * share / 100).quantize(CENT, ROUND_HALF_UP)
    elif tranche.condition == TrancheCondition.FINAL_REPORT:
        if ExpenseStatus.APPROVED in reports:
            return ""
        if ExpenseStatus.PENDING in reports:
            return str(_("the final report has been submitted but not yet approved"))
        if ExpenseStatus.REJECTED in reports:
            return str(_("the final report was rejected: the project must submit a new one"))
        return str(_("the project has not yet submitted its final report"))
    elif tranche.condition == TrancheCondition.MILESTONE:
        milestone = tranche.milestone
        if milestone is None or milestone.status == MilestoneStatus.DONE:
            return ""
        return str(
            _("the milestone “%(milestone)s” (due by %(due)s) is %(status)s, not yet reached")
            % {
                "milestone": milestone.title,
                "due": milestone.due_on.strftime("%d/%m/%Y"),
                "status": str(milestone.get_status_display()).lower(),
            }
        )
    else:
        return ""
    if approved >= needed:
        return ""
    params = {"approved": eur(approved), "needed": eur(needed), "gap": eur(needed - approved)}
    if tranche.condition == TrancheCondition.EXPENSES_SHARE:
        params["share"] = percent_text(tranche.threshold or ZERO)
        return str(
            _(
                "approved expenses are %(approved)s, %(share)s%% of the net amount "
                "(%(needed)s) are needed: %(gap)s missing"
            )
            % params
        )
    return str(
        _("approved expenses are %(approved)s, at least %(needed)s are needed: %(gap)s missing")
        % params
    )


def tranche_schedule(grant: Grant) -> list[TrancheState]:
    """Every tranche of the grant with what was paid, what is due now and its condition.

    Reductions: the tranches not yet paid share what is left of the net amount (net minus
    everything paid) in proportion to their planned amounts, the last one taking the
    rounding cents. Without reductions each tranche is due exactly its planned amount; after
    one, the plan still adds up to the net amount to the cent and nothing is ever due twice.
    """
    tranches = list(grant.tranches.select_related("milestone").order_by("position"))
    paid_by_tranche: dict[int, Decimal] = {
        tranche_id: to_cents(total)
        for tranche_id, total in Disbursement.objects.filter(grant=grant, tranche__isnull=False)
        .values_list("tranche")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    paid = _total(Disbursement.objects.filter(grant=grant), "amount")
    remaining = max(grant.net_amount - paid, ZERO)
    unpaid = [t for t in tranches if t.pk not in paid_by_tranche]
    planned_unpaid = sum((t.planned for t in unpaid), ZERO)
    due: dict[int, Decimal] = {}
    shared = ZERO
    for index, tranche in enumerate(unpaid):
        if index == len(unpaid) - 1:
            due[tranche.pk] = remaining - shared
        elif planned_unpaid:
            share = (remaining * tranche.planned / planned_unpaid).quantize(CENT, ROUND_HALF_UP)
            due[tranche.pk] = min(share, remaining - shared)
            shared += due[tranche.pk]
        else:
            due[tranche.pk] = ZERO
    approved = approved_expenses(grant)
    reports = set(grant.final_reports.values_list("status", flat=True))
    states = []
    for tranche in tranches:
        missing = _missing(tranche, grant, approved, reports)
        balance = is_balance(tranche, tranches)
        state = TrancheState(
            tranche=tranche,
            paid=paid_by_tranche.get(tranche.pk, ZERO),
            due=due.get(tranche.pk, ZERO),
            condition_met=not missing,
            missing=missing,
            balance=balance,
            approved=approved,
            uncovered=max(grant.net_amount - approved, ZERO) if balance else ZERO,
        )
        # The tranche's workflow state (Tranche.state) reads it from here.
        tranche.schedule = state
        states.append(state)
    return states


def tranche_state(tranche: Tranche) -> TrancheState:
    """Where one tranche stands (its grant's schedule, computed once per tranche object)."""
    cached = getattr(tranche, "schedule", None)
    if cached is None:
        grant = tranche.grant
        cached = next(s for s in tranche_schedule(grant) if s.tranche.pk == tranche.pk)
        tranche.schedule = cached
    return cached
