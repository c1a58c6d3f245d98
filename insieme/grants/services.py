"""Every change of money: awards, tranches, payments, reductions, revocations, microcredits."""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.api import webhooks
from insieme.calls.models import Application
from insieme.core.audit import service
from insieme.grants.models import (
    CENT,
    DE_MINIMIS_CEILING,
    DE_MINIMIS_YEARS,
    MICROCREDIT_TRANSITIONS,
    ZERO,
    DeMinimisDeclaration,
    Disbursement,
    ExpenseItem,
    ExpenseStatus,
    Fund,
    Grant,
    Instrument,
    Microcredit,
    MicrocreditStatus,
    Revocation,
    RevocationKind,
    Tranche,
    TrancheCondition,
    to_cents,
)
from insieme.network.models import Organisation


def eur(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _total(queryset, expression) -> Decimal:
    return to_cents(queryset.aggregate(total=Sum(expression))["total"])


def fund_available(fund: Fund) -> Decimal:
    return Fund.objects.with_ledger().values_list("available", flat=True).get(pk=fund.pk)  # type: ignore[misc]


def _new_code(prefix: str) -> str:
    return f"{prefix}-{timezone.localdate():%Y}-{secrets.token_hex(3).upper()}"


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
    return DeMinimisDeclaration.objects.create(
        organisation=organisation,
        grantor=grantor,
        granted_on=granted_on,
        amount=amount,
        declared_on=declared_on,
        recorded_by=by,
    )


# Funds and awards ---------------------------------------------------------------------------


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

    def planned(self, awarded: Decimal) -> Decimal:
        if self.amount is not None:
            return self.amount
        assert self.percentage is not None
        return (awarded * self.percentage / 100).quantize(CENT)


def _check_plan(amount: Decimal, plan: list[TranchePlan]) -> None:
    if not plan:
        raise ValidationError(
            _("Add at least one tranche to the payment plan."), code="no_tranches"
        )
    for tranche in plan:
        if (tranche.percentage is None) == (tranche.amount is None):
            raise ValidationError(
                _("Give each tranche either a percentage or an amount."), code="tranche_kind"
            )
        if tranche.condition == TrancheCondition.APPROVED_EXPENSES and tranche.threshold is None:
            raise ValidationError(
                _("Give the amount of approved expenses that releases the tranche."),
                code="tranche_threshold",
            )
    planned = sum((t.planned(amount) for t in plan), ZERO)
    if planned != amount:
        raise ValidationError(
            _(
                "The tranches add up to %(planned)s EUR but the grant is %(amount)s EUR: "
                "the plan must cover the grant exactly."
            ),
            code="plan_mismatch",
            params={"planned": eur(planned), "amount": eur(amount)},
        )


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
    if amount <= 0:
        raise ValidationError(_("The amount must be above zero."), code="not_positive")
    if fund.instrument != Instrument.GRANT:
        raise ValidationError(
            _("The fund %(fund)s does not give non-repayable grants."),
            code="wrong_instrument",
            params={"fund": fund.name},
        )
    _check_plan(amount, tranches)
    # Lock the fund row: a second award on the same fund waits here until this one commits,
    # and then sees this award in the ledger.
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if (fund.starts_on and awarded_on < fund.starts_on) or (
        fund.ends_on and awarded_on > fund.ends_on
    ):
        raise ValidationError(
            _("The award date is outside the period of the fund %(fund)s."),
            code="outside_period",
            params={"fund": fund.name},
        )
    available = fund_available(fund)
    if amount > available:
        raise ValidationError(
            _(
                "The fund %(fund)s has %(available)s EUR available: an award of %(amount)s EUR "
                "would exceed it."
            ),
            code="over_allocation",
            params={"fund": fund.name, "available": eur(available), "amount": eur(amount)},
        )
    beneficiary = None
    if fund.de_minimis:
        beneficiary = de_minimis_beneficiary(application)
        if beneficiary is None:
            raise ValidationError(
                _(
                    "The fund gives de minimis aid to undertakings: register the applicant's "
                    "undertaking in the organisations registry first."
                ),
                code="no_undertaking",
            )
        Organisation.objects.select_for_update().filter(pk=beneficiary.pk).first()
        received = de_minimis_total(beneficiary, awarded_on)
        if received + amount > DE_MINIMIS_CEILING:
            start, _end = de_minimis_window(awarded_on)
            raise ValidationError(
                _(
                    "De minimis ceiling exceeded: %(beneficiary)s has received %(received)s EUR "
                    "since %(start)s; with %(amount)s EUR more it would reach %(total)s EUR, "
                    "above the ceiling of %(ceiling)s EUR."
                ),
                code="de_minimis",
                params={
                    "beneficiary": beneficiary.name,
                    "received": eur(received),
                    "start": start.strftime("%d/%m/%Y"),
                    "amount": eur(amount),
                    "total": eur(received + amount),
                    "ceiling": eur(DE_MINIMIS_CEILING),
                },
            )
    grant = Grant.objects.create(
        code=_new_code("CTR"),
        application=application,
        funder=fund.funder,
        fund=fund,
        amount_awarded=amount,
        awarded_on=awarded_on,
        conditions=conditions,
        beneficiary=beneficiary,
        awarded_by=by,
    )
    Tranche.objects.bulk_create(
        Tranche(
            grant=grant,
            position=position,
            percentage=plan.percentage,
            fixed_amount=plan.amount,
            condition=plan.condition,
            threshold=plan.threshold if plan.condition != TrancheCondition.NONE else None,
            description=plan.description,
        )
        for position, plan in enumerate(tranches, start=1)
    )
    return grant


# Expense reports ----------------------------------------------------------------------------


@service
def submit_expense(
    *,
    grant: Grant,
    supplier: str,
    invoice_number: str,
    invoice_date: date,
    description: str,
    category: str,
    amount: Decimal,
    attachment: UploadedFile,
    by,
) -> ExpenseItem:
    from insieme.projects.models import Project

    on_behalf = not Project.objects.reported_by(by).filter(application=grant.application).exists()
    if on_behalf and not by.has_role(Role.OPERATOR, Role.ADMIN):
        raise ValidationError(
            _("Only the project's applicants or an operator can report expenses."),
            code="not_allowed",
        )
    return ExpenseItem.objects.create(
        grant=grant,
        supplier=supplier,
        invoice_number=invoice_number,
        invoice_date=invoice_date,
        description=description,
        category=category,
        amount=amount,
        attachment=attachment,
        entered_by=by,
        on_behalf=on_behalf,
    )


@service
def review_expense(*, item: ExpenseItem, approve: bool, reason: str = "", by) -> ExpenseItem:
    item = ExpenseItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ExpenseStatus.PENDING:
        raise ValidationError(_("This expense has already been reviewed."), code="already_reviewed")
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the expense is rejected."), code="reason_required")
    item.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED
    item.review_reason = reason.strip()
    item.reviewed_by = by
    item.reviewed_at = timezone.now()
    item.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    return item


def approved_expenses(grant: Grant) -> Decimal:
    return _total(grant.expenses.filter(status=ExpenseStatus.APPROVED), "amount")


# Payments, reductions, revocations -----------------------------------------------------------


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
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if amount <= 0:
        raise ValidationError(_("The amount must be above zero."), code="not_positive")
    paid = _total(grant.disbursements.all(), "amount")
    if paid + amount > grant.net_amount:
        raise ValidationError(
            _(
                "Payment refused: %(paid)s EUR already paid plus %(amount)s EUR would be "
                "%(total)s EUR, above the grant's net amount of %(net)s EUR."
            ),
            code="above_net",
            params={
                "paid": eur(paid),
                "amount": eur(amount),
                "total": eur(paid + amount),
                "net": eur(grant.net_amount),
            },
        )
    count = grant.disbursements.count() + 1
    return webhooks.disbursement_paid(
        Disbursement.objects.create(
            code=code or f"{grant.code}-E{count}",
            grant=grant,
            paid_on=paid_on,
            amount=amount,
            tranche=tranche,
        )
    )


@service
def pay_tranche(
    *, tranche: Tranche, paid_on: date, amount: Decimal | None = None, by
) -> Disbursement:
    grant = Grant.objects.select_for_update().get(pk=tranche.grant_id)
    tranche = Tranche.objects.select_related("grant").get(pk=tranche.pk)
    if tranche.disbursements.exists():
        raise ValidationError(
            _("Tranche %(number)s has already been paid."),
            code="tranche_paid",
            params={"number": tranche.position},
        )
    approved = approved_expenses(grant)
    if not tranche.condition_met(approved):
        raise ValidationError(
            _(
                "Tranche %(number)s cannot be paid yet: approved expenses are %(approved)s EUR, "
                "at least %(threshold)s EUR are needed."
            ),
            code="condition_not_met",
            params={
                "number": tranche.position,
                "approved": eur(approved),
                "threshold": eur(tranche.threshold or ZERO),
            },
        )
    return record_disbursement(
        grant=grant,
        paid_on=paid_on,
        amount=tranche.planned_amount if amount is None else amount,
        tranche=tranche,
        by=by,
    )


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
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_required")
    paid = _total(grant.disbursements.all(), "amount")
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
                "Cannot revoke %(amount)s EUR: of the net amount of %(net)s EUR, %(paid)s EUR "
                "have been paid, so at most %(unpaid)s EUR can be revoked."
            ),
            code="above_unpaid",
            params={
                "amount": eur(amount),
                "net": eur(grant.net_amount),
                "paid": eur(paid),
                "unpaid": eur(unpaid),
            },
        )
    revocation = Revocation.objects.create(
        grant=grant, kind=kind, amount=amount, decided_on=decided_on, reason=reason.strip()
    )
    grant.amount_revoked = F("amount_revoked") + amount
    grant.save(update_fields=["amount_revoked", "updated_at"])
    grant.refresh_from_db(fields=["amount_revoked"])
    return revocation


# Microcredit --------------------------------------------------------------------------------


@service
def request_microcredit(
    *,
    application: Application,
    lender: Organisation,
    amount: Decimal,
    term_months: int,
    requested_on: date,
    fund: Fund | None = None,
    by,
) -> Microcredit:
    if fund is not None and fund.instrument != Instrument.MICROCREDIT:
        raise ValidationError(
            _("The fund %(fund)s does not give microcredit."),
            code="wrong_instrument",
            params={"fund": fund.name},
        )
    return Microcredit.objects.create(
        application=application,
        lender=lender,
        fund=fund,
        amount=amount,
        term_months=term_months,
        requested_on=requested_on,
    )


@service
def move_microcredit(*, microcredit: Microcredit, to: str, on: date, by) -> Microcredit:
    microcredit = Microcredit.objects.select_for_update().get(pk=microcredit.pk)
    if to not in MICROCREDIT_TRANSITIONS[microcredit.status]:
        raise ValidationError(
            _("A microcredit that is %(current)s cannot become %(target)s."),
            code="bad_transition",
            params={
                "current": microcredit.get_status_display(),
                "target": MicrocreditStatus(to).label,
            },
        )
    if to == MicrocreditStatus.GRANTED and microcredit.fund_id:
        fund = Fund.objects.select_for_update().get(pk=microcredit.fund_id)
        available = fund_available(fund)
        if microcredit.amount > available:
            raise ValidationError(
                _(
                    "The fund %(fund)s has %(available)s EUR available: an award of %(amount)s "
                    "EUR would exceed it."
                ),
                code="over_allocation",
                params={
                    "fund": fund.name,
                    "available": eur(available),
                    "amount": eur(microcredit.amount),
                },
            )
        microcredit.granted_on = on
    elif to == MicrocreditStatus.GRANTED:
        microcredit.granted_on = on
    microcredit.status = to
    microcredit.save(update_fields=["status", "granted_on"])
    return microcredit
