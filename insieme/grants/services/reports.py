"""What the project reports on its grant: expenses and the final report, and their review."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.grants.checks import check_expense
from insieme.grants.figures import eur
from insieme.grants.models import ExpenseItem, FinalReport, Grant
from insieme.grants.rules import reports_for


def _review(obj: ExpenseItem | FinalReport, prefix: str, *, approve: bool, reason: str, by):
    name = f"{prefix}.approve" if approve else f"{prefix}.reject"
    return rules.transition(
        obj,
        name,
        by=by,
        review_reason=reason.strip(),
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )


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
    rules.require(by, "expense.submit", grant)
    check_expense(amount, invoice_date)
    return rules.create(
        ExpenseItem,
        by=by,
        grant=grant,
        supplier=supplier,
        invoice_number=invoice_number,
        invoice_date=invoice_date,
        description=description,
        category=category,
        amount=amount,
        attachment=attachment,
        entered_by=by,
        on_behalf=not reports_for(by, grant),
    )


def check_partial_approval(item: ExpenseItem, amount: Decimal | None, reason: str) -> None:
    """Of an expense only a part may be approved: above zero, below what was claimed (all of
    it is a plain approval), with the reason for the difference."""
    if amount is None or amount == item.amount:
        return
    if amount <= 0 or amount > item.amount:
        raise ValidationError(
            _(
                "The amount approved must be above zero and at most the %(claimed)s claimed: "
                "to approve nothing, reject the expense with the reason."
            ),
            code="approved_out_of_range",
            params={"claimed": eur(item.amount)},
        )
    if not reason.strip():
        raise ValidationError(
            _(
                "Say why only %(approved)s of the %(claimed)s claimed is approved: the "
                "difference of %(cut)s needs its reason."
            ),
            code="reason_required",
            params={
                "approved": eur(amount),
                "claimed": eur(item.amount),
                "cut": eur(item.amount - amount),
            },
        )


@service
def review_expense(
    *,
    item: ExpenseItem,
    approve: bool,
    reason: str = "",
    amount_approved: Decimal | None = None,
    by,
) -> ExpenseItem:
    """Approve an expense (all of it, or `amount_approved` of it with the reason for the
    difference) or reject it with the reason."""
    item = ExpenseItem.objects.select_for_update().get(pk=item.pk)
    rules.require(by, "expense.approve" if approve else "expense.reject", item)
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the expense is rejected."), code="reason_required")
    if not approve:
        return _review(item, "expense", approve=False, reason=reason, by=by)
    check_partial_approval(item, amount_approved, reason)
    partial = amount_approved if amount_approved != item.amount else None
    rules.transition(
        item,
        "expense.approve",
        by=by,
        amount_approved=partial,
        review_reason=reason.strip(),
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
    return item


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
    rules.require(by, "expense.change", item)
    check_expense(amount, invoice_date)
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
    rules.require(by, "expense.withdraw", item)
    item.delete()


@service
def reopen_expense(*, item: ExpenseItem, reason: str, by) -> ExpenseItem:
    """An operator puts a reviewed expense back to review, saying why."""
    item = ExpenseItem.objects.select_for_update().get(pk=item.pk)
    rules.require(by, "expense.reopen", item)
    if not reason.strip():
        raise ValidationError(_("Say why the expense is reopened."), code="reason_required")
    previous = item.get_status_display()
    rules.transition(
        item,
        "expense.reopen",
        by=by,
        amount_approved=None,
        review_reason="",
        reviewed_by=None,
        reviewed_at=None,
    )
    log_event(
        item,
        by=by,
        event="expense_reopened",
        details={"previous": str(previous), "reason": reason.strip()},
    )
    return item


@service
def submit_final_report(*, grant: Grant, summary: str, document: UploadedFile, by) -> FinalReport:
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    rules.require(by, "final_report.submit", grant)
    if not summary.strip():
        raise ValidationError(_("Write a short summary of the report."), code="summary_required")
    return rules.create(
        FinalReport,
        by=by,
        grant=grant,
        summary=summary.strip(),
        document=document,
        submitted_by=by,
        on_behalf=not reports_for(by, grant),
    )


@service
def review_final_report(*, report: FinalReport, approve: bool, reason: str = "", by) -> FinalReport:
    report = FinalReport.objects.select_for_update().get(pk=report.pk)
    rules.require(by, "final_report.approve" if approve else "final_report.reject", report)
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the final report is rejected."), code="reason_required")
    return _review(report, "final_report", approve=approve, reason=reason, by=by)
