"""Funds, awards and the de minimis register."""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application, Call
from insieme.core import rules
from insieme.core.audit import service
from insieme.grants.checks import check_fund_budget
from insieme.grants.figures import de_minimis_beneficiary, eur, percent_text
from insieme.grants.models import (
    CENT,
    ZERO,
    DeMinimisDeclaration,
    Fund,
    Grant,
    Tranche,
    TrancheCondition,
)
from insieme.network.models import Organisation
from insieme.projects.models import Milestone


def new_code(prefix: str) -> str:
    return f"{prefix}-{timezone.localdate():%Y}-{secrets.token_hex(3).upper()}"


@service
def record_de_minimis_declaration(
    *,
    organisation: Organisation,
    grantor: str,
    granted_on: date,
    amount: Decimal,
    declared_on: date,
    by,
) -> DeMinimisDeclaration:
    rules.require(by, "de_minimis.record_declaration", organisation)
    return DeMinimisDeclaration.objects.create(
        organisation=organisation,
        grantor=grantor,
        granted_on=granted_on,
        amount=amount,
        declared_on=declared_on,
        recorded_by=by,
    )


@service
def create_fund(
    *,
    funder: Organisation,
    name: str,
    instrument: str,
    budget: Decimal,
    starts_on: date | None = None,
    ends_on: date | None = None,
    de_minimis: bool = True,
    by,
) -> Fund:
    rules.require(by, "fund.create", funder)
    check_fund_budget(budget)
    return Fund.objects.create(
        funder=funder,
        name=name,
        instrument=instrument,
        budget=budget,
        starts_on=starts_on,
        ends_on=ends_on,
        de_minimis=de_minimis,
    )


@dataclass(frozen=True)
class TranchePlan:
    percentage: Decimal | None = None
    amount: Decimal | None = None
    condition: str = TrancheCondition.NONE
    threshold: Decimal | None = None
    description: str = ""
    milestone: Milestone | None = None


def _check_plan(amount: Decimal, plan: list[TranchePlan]) -> list[Decimal]:
    """The planned amount of each tranche; refuses a plan that does not cover the grant.

    Percentages are of the amount awarded and must add up to 100 (with any fixed amounts
    counted as their share); the cent lost or gained rounding percentages goes to the last
    tranche, so the plan adds up to the grant exactly.
    """
    if not plan:
        raise ValidationError(
            _("Add at least one tranche to the payment plan."), code="no_tranches"
        )
    for number, tranche in enumerate(plan, start=1):
        if (tranche.percentage is None) == (tranche.amount is None):
            raise ValidationError(
                _("Tranche %(number)s: give either a percentage or an amount."),
                code="tranche_kind",
                params={"number": number},
            )
        if tranche.condition in TrancheCondition.with_threshold() and tranche.threshold is None:
            raise ValidationError(
                _("Tranche %(number)s: give the threshold of approved expenses that releases it."),
                code="tranche_threshold",
                params={"number": number},
            )
        if tranche.condition == TrancheCondition.MILESTONE and tranche.milestone is None:
            raise ValidationError(
                _("Tranche %(number)s: choose the milestone that releases it."),
                code="tranche_milestone",
                params={"number": number},
            )
        if tranche.condition == TrancheCondition.EXPENSES_SHARE and not (
            0 < (tranche.threshold or ZERO) <= 100
        ):
            raise ValidationError(
                _("Tranche %(number)s: the share of the grant must be between 0 and 100%%."),
                code="tranche_share",
                params={"number": number},
            )
    fixed = sum((t.amount for t in plan if t.amount is not None), ZERO)
    percent = sum((t.percentage for t in plan if t.percentage is not None), ZERO)
    covered = fixed + amount * percent / 100
    if covered.quantize(CENT, ROUND_HALF_UP) != amount:
        if fixed:
            raise ValidationError(
                _(
                    "The tranches add up to %(planned)s but the grant is %(amount)s: "
                    "the plan must cover the grant exactly."
                ),
                code="plan_mismatch",
                params={"planned": eur(covered.quantize(CENT)), "amount": eur(amount)},
            )
        raise ValidationError(
            _(
                "The percentages of the tranches add up to %(percent)s%%: they must add up to "
                "100%%."
            ),
            code="plan_mismatch",
            params={"percent": percent_text(percent)},
        )
    planned = [
        t.amount
        if t.amount is not None
        else (amount * t.percentage / 100).quantize(  # type: ignore[operator]
            CENT, ROUND_HALF_UP
        )
        for t in plan
    ]
    planned[-1] += amount - sum(planned, ZERO)
    if planned[-1] <= 0:
        raise ValidationError(
            _("The last tranche would be empty: check the plan."), code="plan_mismatch"
        )
    return planned


@service
def award_grant(
    *,
    application: Application,
    fund: Fund,
    amount: Decimal,
    awarded_on: date,
    tranches: list[TranchePlan],
    conditions: str = "",
    by,
) -> Grant:
    """Award a grant on the fund with its payment plan (the gate's `grant.award` guards: the
    amount, the fund's instrument, period and availability, the de minimis ceiling)."""
    proposed = Grant(
        application=application,
        funder=fund.funder,
        fund=fund,
        amount_awarded=amount,
        awarded_on=awarded_on,
        conditions=conditions,
        awarded_by=by,
    )
    if fund.de_minimis:
        proposed.beneficiary = de_minimis_beneficiary(application)
    rules.require(by, "grant.award", proposed)
    planned = _check_plan(amount, tranches)
    for number, plan in enumerate(tranches, start=1):
        if plan.milestone is not None and plan.milestone.project.application_id != application.pk:
            raise ValidationError(
                _("Tranche %(number)s: the milestone is not one of this project's."),
                code="foreign_milestone",
                params={"number": number},
            )
    # Lock the fund row: a second award on the same fund waits here until this one commits,
    # and then sees this award in the ledger; the same for the undertaking's de minimis aid.
    # The gate is asked again on the locked rows.
    proposed.fund = Fund.objects.select_for_update().get(pk=fund.pk)
    Call.objects.select_for_update().filter(pk=application.call_id).first()
    if proposed.beneficiary is not None:
        Organisation.objects.select_for_update().filter(pk=proposed.beneficiary.pk).first()
    rules.require(by, "grant.award", proposed)
    proposed.code = new_code("CTR")
    proposed.save(force_insert=True)
    grant = proposed
    Tranche.objects.bulk_create(
        Tranche(
            grant=grant,
            position=position,
            percentage=plan.percentage,
            fixed_amount=plan.amount,
            planned=share,
            condition=plan.condition,
            threshold=plan.threshold
            if plan.condition in TrancheCondition.with_threshold()
            else None,
            description=plan.description,
            milestone=plan.milestone if plan.condition == TrancheCondition.MILESTONE else None,
        )
        for position, (plan, share) in enumerate(zip(tranches, planned, strict=True), start=1)
    )
    return grant
