"""Every change of money: awards, tranches, payments, reductions, revocations, microcredits."""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application
from insieme.core.audit import log_event, service
from insieme.grants import events
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
    FinalReport,
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
from insieme.projects.models import Milestone, MilestoneStatus


def eur(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


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
                    "The tranches add up to %(planned)s EUR but the grant is %(amount)s EUR: "
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
    if amount <= 0:
        raise ValidationError(_("The amount must be above zero."), code="not_positive")
    if fund.instrument != Instrument.GRANT:
        raise ValidationError(
            _("The fund %(fund)s does not give non-repayable grants."),
            code="wrong_instrument",
            params={"fund": fund.name},
        )
    planned = _check_plan(amount, tranches)
    for number, plan in enumerate(tranches, start=1):
        if plan.milestone is not None and plan.milestone.project.application_id != application.pk:
            raise ValidationError(
                _("Tranche %(number)s: the milestone is not one of this project's."),
                code="foreign_milestone",
                params={"number": number},
            )
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
    item.record_review(approve=approve, reason=reason, by=by)
    return item


def _may_report(grant: Grant, by) -> bool:
    """The project's own accounts report for it; an operator may do so on its behalf."""
    from insieme.projects.models import Project

    if Project.objects.reported_by(by).filter(application=grant.application).exists():
        return True
    return bool(by.has_role(Role.OPERATOR, Role.ADMIN))


@service
def change_expense(
    *,
    item: ExpenseItem,
    supplier: str,
    invoice_number: str,
    invoice_date: date,
    description: str,
    category: str,
    amount: Decimal,
    attachment: UploadedFile | None = None,
    by,
) -> ExpenseItem:
    """Correct an expense not yet reviewed (the project or an operator)."""
    item = ExpenseItem.objects.select_for_update().select_related("grant").get(pk=item.pk)
    if not _may_report(item.grant, by):
        raise PermissionDenied
    if item.status != ExpenseStatus.PENDING:
        raise ValidationError(
            _(
                "The expense %(invoice)s has already been reviewed: ask an operator to reopen "
                "it before correcting it."
            ),
            code="already_reviewed",
            params={"invoice": item.invoice_number},
        )
    item.supplier = supplier
    item.invoice_number = invoice_number
    item.invoice_date = invoice_date
    item.description = description
    item.category = category
    item.amount = amount
    fields = ["supplier", "invoice_number", "invoice_date", "description", "category", "amount"]
    if attachment:
        item.attachment = attachment
        fields.append("attachment")
    item.save(update_fields=fields)
    return item


@service
def delete_expense(*, item: ExpenseItem, by) -> None:
    """Withdraw an expense not yet reviewed (the audit log keeps what it was)."""
    item = ExpenseItem.objects.select_for_update().select_related("grant").get(pk=item.pk)
    if not _may_report(item.grant, by):
        raise PermissionDenied
    if item.status != ExpenseStatus.PENDING:
        raise ValidationError(
            _(
                "The expense %(invoice)s has already been reviewed and can no longer be "
                "withdrawn: an operator can reopen it."
            ),
            code="already_reviewed",
            params={"invoice": item.invoice_number},
        )
    item.delete()


@service
def reopen_expense(*, item: ExpenseItem, reason: str, by) -> ExpenseItem:
    """An operator puts a reviewed expense back to review, saying why."""
    if not by.has_role(Role.OPERATOR, Role.ADMIN):
        raise PermissionDenied
    item = ExpenseItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ExpenseStatus.PENDING:
        raise ValidationError(
            _("The expense %(invoice)s is already waiting for review."),
            code="not_reviewed",
            params={"invoice": item.invoice_number},
        )
    if not reason.strip():
        raise ValidationError(_("Say why the expense is reopened."), code="reason_required")
    previous = item.get_status_display()
    item.status = ExpenseStatus.PENDING
    item.review_reason = ""
    item.reviewed_by = None
    item.reviewed_at = None
    item.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    log_event(
        item,
        by=by,
        event="expense_reopened",
        details={"previous": str(previous), "reason": reason.strip()},
    )
    return item


# Final report --------------------------------------------------------------------------------


@service
def submit_final_report(*, grant: Grant, summary: str, document: UploadedFile, by) -> FinalReport:
    from insieme.projects.models import Project

    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    on_behalf = not Project.objects.reported_by(by).filter(application=grant.application).exists()
    if on_behalf and not by.has_role(Role.OPERATOR, Role.ADMIN):
        raise PermissionDenied
    if not summary.strip():
        raise ValidationError(_("Write a short summary of the report."), code="summary_required")
    current = grant.final_reports.exclude(status=ExpenseStatus.REJECTED).first()
    if current is not None:
        raise ValidationError(
            _("A final report is already %(status)s: it cannot be submitted again."),
            code="report_exists",
            params={"status": current.get_status_display().lower()},
        )
    return FinalReport.objects.create(
        grant=grant,
        summary=summary.strip(),
        document=document,
        submitted_by=by,
        on_behalf=on_behalf,
    )


@service
def review_final_report(*, report: FinalReport, approve: bool, reason: str = "", by) -> FinalReport:
    if not by.has_role(Role.OPERATOR, Role.ADMIN):
        raise PermissionDenied
    report = FinalReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ExpenseStatus.PENDING:
        raise ValidationError(
            _("This final report has already been reviewed."), code="already_reviewed"
        )
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the final report is rejected."), code="reason_required")
    report.record_review(approve=approve, reason=reason, by=by)
    return report


def approved_expenses(grant: Grant) -> Decimal:
    return _total(grant.expenses.filter(status=ExpenseStatus.APPROVED), "amount")


def tranche_label(tranche: Tranche) -> str:
    """How messages name a tranche: "Tranche 2" or "Tranche 2 (balance)"."""
    if tranche.description:
        return str(
            _("Tranche %(number)s (%(description)s)")
            % {"number": tranche.position, "description": tranche.description}
        )
    return str(_("Tranche %(number)s") % {"number": tranche.position})


@dataclass(frozen=True)
class TrancheState:
    """Where a tranche stands: paid, what it is due now, whether its condition is met."""

    tranche: Tranche
    paid: Decimal
    due: Decimal
    condition_met: bool
    missing: str  # what the condition still lacks, in words ("" when met)

    @property
    def payable(self) -> bool:
        return not self.paid and self.due > 0 and self.condition_met


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
                "approved expenses are %(approved)s EUR, %(share)s%% of the net amount "
                "(%(needed)s EUR) are needed: %(gap)s EUR missing"
            )
            % params
        )
    return str(
        _(
            "approved expenses are %(approved)s EUR, at least %(needed)s EUR are needed: "
            "%(gap)s EUR missing"
        )
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
        states.append(
            TrancheState(
                tranche=tranche,
                paid=paid_by_tranche.get(tranche.pk, ZERO),
                due=due.get(tranche.pk, ZERO),
                condition_met=not missing,
                missing=missing,
            )
        )
    return states


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
    # Cancelled payments keep their codes: count them too.
    count = Disbursement.all_objects.filter(grant=grant).count() + 1
    return events.disbursement_paid(
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
    state = next(s for s in tranche_schedule(grant) if s.tranche.pk == tranche.pk)
    tranche = state.tranche
    label = tranche_label(tranche)
    if state.paid:
        raise ValidationError(
            _("%(tranche)s has already been paid (%(paid)s EUR)."),
            code="tranche_paid",
            params={"tranche": label, "paid": eur(state.paid)},
        )
    if not state.condition_met:
        raise ValidationError(
            _("%(tranche)s cannot be paid yet: %(missing)s."),
            code="condition_not_met",
            params={"tranche": label, "missing": state.missing},
        )
    if state.due <= 0:
        raise ValidationError(
            _(
                "%(tranche)s cannot be paid: nothing is left of the grant's net amount of "
                "%(net)s EUR."
            ),
            code="nothing_due",
            params={"tranche": label, "net": eur(grant.net_amount)},
        )
    if (awarded_on := grant.awarded_on) and paid_on < awarded_on:
        raise ValidationError(
            _("%(tranche)s: the payment date cannot precede the award (%(date)s)."),
            code="paid_before_award",
            params={"tranche": label, "date": awarded_on.strftime("%d/%m/%Y")},
        )
    if amount is not None and amount > state.due:
        raise ValidationError(
            _(
                "%(tranche)s: %(amount)s EUR is more than the %(due)s EUR due for it; "
                "a larger payment would take money from the next tranches."
            ),
            code="above_due",
            params={"tranche": label, "amount": eur(amount), "due": eur(state.due)},
        )
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
    if disbursement.cancelled_at is not None:
        raise ValidationError(
            _("The payment %(code)s has already been cancelled."),
            code="already_cancelled",
            params={"code": disbursement.code},
        )
    if not reason.strip():
        raise ValidationError(
            _("Say why the payment %(code)s is cancelled."),
            code="reason_required",
            params={"code": disbursement.code},
        )
    disbursement.cancelled_at = timezone.now()
    disbursement.cancelled_by = by
    disbursement.cancel_reason = reason.strip()
    disbursement.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
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
    # In Python, on the row locked above: SQLite would add the two amounts as binary floats
    # (0.10 + 0.20 > 0.30) and trip the check that nothing is revoked beyond the award.
    grant.amount_revoked += amount
    grant.save(update_fields=["amount_revoked", "updated_at"])
    return events.grant_revoked(revocation, grant)


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
