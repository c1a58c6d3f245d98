from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application
from insieme.core.decimals import CENT, MONEY, TwoDecimals
from insieme.network.models import Organisation

ZERO = Decimal("0.00")
# Regulation (EU) 2023/2831: ceiling of de minimis aid to one undertaking over three years.
DE_MINIMIS_CEILING = Decimal("300000.00")
DE_MINIMIS_YEARS = 3


def cents(expression) -> TwoDecimals:
    """Money computed in SQL, exact to the cent."""
    return TwoDecimals(expression, output_field=MONEY)


def to_cents(value: Decimal | None) -> Decimal:
    """The same for an aggregate read into Python."""
    return Decimal(value or 0).quantize(CENT)


def money_sum(queryset: models.QuerySet, group: str, expression) -> TwoDecimals:
    """A correlated SUM subquery (no join, so no row multiplication), zero when empty."""
    summed = queryset.order_by().values(group).annotate(total=Sum(expression)).values("total")
    return cents(Coalesce(Subquery(summed, output_field=MONEY), Value(ZERO), output_field=MONEY))


# What an approved expense counts for: the part approved (a partial approval), else all of it.
APPROVED_AMOUNT = Coalesce(F("amount_approved"), F("amount"), output_field=MONEY)


class Instrument(models.TextChoices):
    GRANT = "grant", _("Non-repayable grant")
    MICROCREDIT = "microcredit", _("Microcredit")


class FundQuerySet(models.QuerySet["Fund"]):
    def with_ledger(self) -> "FundQuerySet":
        grants = Grant.objects.filter(fund=OuterRef("pk"))
        paid = Disbursement.objects.filter(grant__fund=OuterRef("pk"))
        microcredits = Microcredit.objects.filter(
            fund=OuterRef("pk"), status__in=MicrocreditStatus.committing()
        )
        return self.annotate(
            grants_committed=money_sum(grants, "fund", F("amount_awarded") - F("amount_revoked")),
            microcredit_committed=money_sum(microcredits, "fund", "amount"),
            paid=money_sum(paid, "grant__fund", "amount"),
        ).annotate(
            committed=cents(F("grants_committed") + F("microcredit_committed")),
            available=cents(F("budget") - F("grants_committed") - F("microcredit_committed")),
        )

    def ledger_totals(self) -> dict[str, Decimal]:
        """The ledger summed over these funds (three aggregate queries)."""
        budget = self.aggregate(total=Sum("budget"))["total"] or ZERO
        grants = (
            Grant.objects.filter(fund__in=self).aggregate(
                total=Sum(F("amount_awarded") - F("amount_revoked"))
            )["total"]
            or ZERO
        )
        loans = (
            Microcredit.objects.filter(
                fund__in=self, status__in=MicrocreditStatus.committing()
            ).aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        paid = (
            Disbursement.objects.filter(grant__fund__in=self).aggregate(total=Sum("amount"))[
                "total"
            ]
            or ZERO
        )
        budget, grants, loans, paid = (to_cents(x) for x in (budget, grants, loans, paid))
        return {
            "budget": budget,
            "committed": grants + loans,
            "paid": paid,
            "available": budget - grants - loans,
        }


class Fund(models.Model):
    """Money a funder makes available through one instrument."""

    funder = models.ForeignKey(
        Organisation, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField(_("name"), max_length=200)
    instrument = models.CharField(
        _("instrument"), max_length=20, choices=Instrument.choices, default=Instrument.GRANT
    )
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    de_minimis = models.BooleanField(
        _("aid to undertakings (de minimis applies)"),
        default=True,
        help_text=_(
            "Untick when the fund's aid does not go to undertakings: the de minimis ceiling "
            "is then not applied."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["funder__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="fund_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="fund_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GrantStatus(models.TextChoices):
    """Where a grant stands; it follows from its amounts (grants/rules.py declares the moves)."""

    AWARDED = "assegnato", _("Awarded")
    REDUCED = "ridotto", _("Reduced")
    COMPLETED = "saldato", _("Fully paid")
    REVOKED = "revocato", _("Revoked")


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user) -> "GrantQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.OPERATOR, Role.ADMIN):
            return self
        from insieme.projects.models import Project

        projects = Project.objects.none()
        if user.has_role(Role.COACH):
            projects = projects | Project.objects.filter(coaches=user)
        if user.has_role(Role.APPLICANT):
            projects = projects | Project.objects.reported_by(user)
        return self.filter(
            Exists(projects.filter(application=OuterRef("application")).values("pk"))
        )

    def with_figures(self) -> "GrantQuerySet":
        return self.annotate(
            paid=money_sum(Disbursement.objects.filter(grant=OuterRef("pk")), "grant", "amount"),
            approved_expenses=money_sum(
                ExpenseItem.objects.filter(grant=OuterRef("pk"), status=ExpenseStatus.APPROVED),
                "grant",
                APPROVED_AMOUNT,
            ),
            claimed_expenses=money_sum(
                ExpenseItem.objects.filter(grant=OuterRef("pk")).exclude(
                    status=ExpenseStatus.REJECTED
                ),
                "grant",
                "amount",
            ),
        )


class Grant(models.Model):
    """A non-repayable grant (contributo a fondo perduto) awarded to a project."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    application = models.ForeignKey(
        Application, verbose_name=_("project"), on_delete=models.PROTECT, related_name="grants"
    )
    funder = models.ForeignKey(
        Organisation, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="grants"
    )
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("fund"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    amount_awarded = models.DecimalField(_("amount awarded"), max_digits=12, decimal_places=2)
    awarded_on = models.DateField(_("award date"), null=True, blank=True)
    amount_revoked = models.DecimalField(
        _("amount revoked"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    conditions = models.TextField(_("conditions"), blank=True)
    beneficiary = models.ForeignKey(
        Organisation,
        verbose_name=_("beneficiary undertaking"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="de_minimis_grants",
        help_text=_("Set when the grant is de minimis aid to an undertaking."),
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-awarded_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_awarded__gte=0), name="grant_awarded_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_revoked__gte=0) & Q(amount_revoked__lte=F("amount_awarded")),
                name="grant_revoked_within_awarded",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def net_amount(self) -> Decimal:
        return self.amount_awarded - self.amount_revoked

    @property
    def state(self) -> str:
        """Revoked when nothing is left of it or a revocation took what was unpaid; fully paid
        when the payments in force reach the net amount; reduced after a reduction."""
        if self.net_amount <= 0 or (
            self.pk and self.revocations.filter(kind=RevocationKind.REVOCATION).exists()
        ):
            return GrantStatus.REVOKED
        paid = getattr(self, "paid", None)
        if paid is None:
            from insieme.grants.figures import paid_on_grant

            paid = paid_on_grant(self) if self.pk else ZERO
        if paid >= self.net_amount:
            return GrantStatus.COMPLETED
        return GrantStatus.REDUCED if self.amount_revoked else GrantStatus.AWARDED


class TrancheCondition(models.TextChoices):
    NONE = "nessuna", _("None: payable at the award or start")
    APPROVED_EXPENSES = "spese_approvate", _("Approved expenses of at least an amount")
    EXPENSES_SHARE = "spese_percentuale", _("Approved expenses of at least a share of the grant")
    FINAL_REPORT = "relazione_finale", _("Final report approved")
    MILESTONE = "tappa", _("Milestone of the project reached")

    @classmethod
    def with_threshold(cls) -> list[str]:
        return [cls.APPROVED_EXPENSES, cls.EXPENSES_SHARE]


class TrancheStatus(models.TextChoices):
    """Where a tranche stands; it follows from its grant's schedule (grants/figures.py)."""

    PLANNED = "prevista", _("Planned")
    PAYABLE = "erogabile", _("Payable")
    PAID = "erogata", _("Paid")


class Tranche(models.Model):
    """One instalment of a grant's payment plan, with the condition that releases it.

    `planned` is the tranche's share of the amount awarded, fixed at the award (a percentage's
    rounding cent goes to the last tranche, so the plan adds up to the grant exactly). After a
    reduction the tranches not yet paid share what is left of the net amount in proportion to
    their planned amounts (see `grants.services.tranche_schedule`).
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="tranches"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    percentage = models.DecimalField(
        _("percentage"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fixed_amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    planned = models.DecimalField(
        _("planned amount"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    condition = models.CharField(
        _("condition"),
        max_length=20,
        choices=TrancheCondition.choices,
        default=TrancheCondition.NONE,
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("EUR of approved expenses, or a percentage of the grant's net amount."),
    )
    milestone = models.ForeignKey(
        "projects.Milestone",
        verbose_name=_("milestone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tranches",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    # Where the tranche stands (a grants.figures.TrancheState), set by the grant's schedule.
    schedule: Any = None

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant", "position"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "position"], name="tranche_position_once"),
            models.CheckConstraint(
                condition=Q(percentage__isnull=False, fixed_amount__isnull=True)
                | Q(percentage__isnull=True, fixed_amount__isnull=False),
                name="tranche_percentage_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True)
                | (Q(percentage__gt=0) & Q(percentage__lte=100)),
                name="tranche_percentage_range",
            ),
            models.CheckConstraint(
                condition=Q(fixed_amount__isnull=True) | Q(fixed_amount__gt=0),
                name="tranche_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(condition__in=["nessuna", "relazione_finale", "tappa"])
                | Q(threshold__gte=0),
                name="tranche_condition_has_threshold",
            ),
            models.CheckConstraint(
                condition=~Q(condition="spese_percentuale") | Q(threshold__lte=100),
                name="tranche_share_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0), name="tranche_planned_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(condition="tappa") | Q(milestone__isnull=False),
                name="tranche_milestone_condition_has_milestone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} / {self.position}"

    @property
    def planned_amount(self) -> Decimal:
        return self.planned

    @property
    def state(self) -> str:
        from insieme.grants.figures import tranche_state

        return tranche_state(self).status


class DisbursementManager(models.Manager["Disbursement"]):
    """Payments in force: a cancelled payment is kept (and shown) but no longer counts."""

    def get_queryset(self) -> models.QuerySet["Disbursement"]:
        return super().get_queryset().filter(cancelled_at__isnull=True)


class PaymentStatus(models.TextChoices):
    IN_FORCE = "in_vigore", _("In force")
    CANCELLED = "annullata", _("Cancelled")


class Disbursement(models.Model):
    """A payment (erogazione) of part of a grant.

    A payment recorded by mistake is cancelled, never deleted: it keeps its row with who
    cancelled it, when and why. `Disbursement.objects` (and every related manager, so every
    ledger and figure) sees only the payments in force; `Disbursement.all_objects` sees all.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="disbursements"
    )
    paid_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    tranche = models.ForeignKey(
        Tranche,
        verbose_name=_("tranche"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True)

    all_objects = models.Manager()
    objects = DisbursementManager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        # Related managers (grant.disbursements, tranche.disbursements) use the default one.
        default_manager_name = "objects"
        ordering = ["-paid_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_positive"),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="disbursement_cancellation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def state(self) -> str:
        return PaymentStatus.CANCELLED if self.is_cancelled else PaymentStatus.IN_FORCE


class RevocationKind(models.TextChoices):
    REDUCTION = "riduzione", _("Reduction")
    REVOCATION = "revoca", _("Revocation")


class Revocation(models.Model):
    """A reduction or revocation of a grant; its amount returns to the fund."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="revocations"
    )
    kind = models.CharField(_("type"), max_length=20, choices=RevocationKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    decided_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reduction or revocation")
        verbose_name_plural = _("reductions and revocations")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="revocation_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="revocation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grant}"


class ExpenseCategory(models.TextChoices):
    EQUIPMENT = "attrezzature", _("Equipment")
    SERVICES = "servizi", _("Services and consultancy")
    MATERIALS = "materiali", _("Materials and goods")
    PERSONNEL = "personale", _("Personnel")
    RENT = "affitto", _("Rent and utilities")
    COMMUNICATION = "comunicazione", _("Communication")
    OTHER = "altro", _("Other")


class ExpenseStatus(models.TextChoices):
    PENDING = "da_esaminare", _("To be reviewed")
    APPROVED = "approvata", _("Approved")
    REJECTED = "respinta", _("Rejected")


def expense_upload_to(instance: "ExpenseItem", filename: str) -> str:
    # The stored name never carries what the uploader called the file.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rendicontazione/{instance.grant_id}/{timezone.localdate():%Y%m}/{_token()}.{suffix}"


def _token() -> str:
    import secrets

    return secrets.token_hex(12)


class Reviewed(models.Model):
    """What an operator's review of something a project submitted records: approved, or rejected
    with a reason (a check constraint on each model keeps the reason)."""

    status = models.CharField(
        _("status"), max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.PENDING
    )
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class ExpenseItem(Reviewed):
    """One expense reported against a grant (rendicontazione)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="expenses"
    )
    supplier = models.CharField(_("supplier"), max_length=200)
    invoice_number = models.CharField(_("invoice number"), max_length=60)
    invoice_date = models.DateField(_("invoice date"))
    description = models.CharField(_("description"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    amount_approved = models.DecimalField(
        _("amount approved"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Set when only part of the expense is approved; the reason says why."),
    )
    attachment = models.FileField(_("attachment"), upload_to=expense_upload_to, max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    on_behalf = models.BooleanField(
        _("entered by an operator on the project's behalf"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("expense item")
        verbose_name_plural = _("expense items")
        ordering = ["invoice_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive"),
            models.CheckConstraint(
                condition=~Q(status="respinta") | ~Q(review_reason=""),
                name="expense_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | (
                    Q(status="approvata")
                    & Q(amount_approved__gt=0)
                    & Q(amount_approved__lt=F("amount"))
                    & ~Q(review_reason="")
                ),
                name="expense_partial_approval_within_claim_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.invoice_number}"

    @property
    def approved_amount(self) -> Decimal:
        """What the expense counts for once approved: the part approved, else all of it."""
        if self.status != ExpenseStatus.APPROVED:
            return ZERO
        return self.amount if self.amount_approved is None else self.amount_approved

    @property
    def cut(self) -> Decimal:
        """Claimed minus approved, for a partial approval (zero otherwise)."""
        if self.amount_approved is None:
            return ZERO
        return self.amount - self.amount_approved


def report_upload_to(instance: "FinalReport", filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"relazioni/{instance.grant_id}/{timezone.localdate():%Y%m}/{_token()}.{suffix}"


class FinalReport(Reviewed):
    """The project's final report (relazione finale) on a grant, approved by an operator.

    A rejected report stays on record; the project submits a new one.
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="final_reports"
    )
    summary = models.TextField(_("summary"))
    document = models.FileField(_("document"), upload_to=report_upload_to, max_length=200)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    on_behalf = models.BooleanField(
        _("submitted by an operator on the project's behalf"), default=False
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="final_report_has_summary"),
            models.CheckConstraint(
                condition=~Q(status="respinta") | ~Q(review_reason=""),
                name="final_report_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} — {self.get_status_display()}"


class MicrocreditStatus(models.TextChoices):
    REQUESTED = "richiesto", _("Requested")
    GRANTED = "concesso", _("Granted")
    REPAYING = "in_rimborso", _("Repaying")
    REPAID = "rimborsato", _("Repaid")
    DEFAULTED = "insolvente", _("Defaulted")

    @classmethod
    def committing(cls) -> list[str]:
        return [cls.GRANTED, cls.REPAYING, cls.REPAID, cls.DEFAULTED]


class Microcredit(models.Model):
    """A loan to a project by a lender of the network."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="microcredits",
    )
    lender = models.ForeignKey(
        Organisation, verbose_name=_("lender"), on_delete=models.PROTECT, related_name="loans"
    )
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("fund"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="microcredits",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MicrocreditStatus.choices,
        default=MicrocreditStatus.REQUESTED,
    )
    requested_on = models.DateField(_("request date"))
    granted_on = models.DateField(_("grant date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("microcredit")
        verbose_name_plural = _("microcredits")
        ordering = ["-requested_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="microcredit_positive"),
            models.CheckConstraint(
                condition=Q(term_months__gt=0), name="microcredit_term_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lender} {self.amount}"


class DeMinimisDeclaration(models.Model):
    """The beneficiary's self-declaration of de minimis aid received from others."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("undertaking"),
        on_delete=models.PROTECT,
        related_name="de_minimis_declarations",
    )
    grantor = models.CharField(_("granting body"), max_length=200)
    granted_on = models.DateField(_("date the aid was granted"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    declared_on = models.DateField(_("date of the declaration"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("de minimis self-declaration")
        verbose_name_plural = _("de minimis self-declarations")
        ordering = ["-granted_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="declared_aid_positive")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.grantor} {self.amount}"
