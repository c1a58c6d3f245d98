from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Application
from insieme.network.models import Organisation


class Instrument(models.TextChoices):
    GRANT = "grant", _("Non-repayable grant")
    MICROCREDIT = "microcredit", _("Microcredit")


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["funder__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="fund_budget_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

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


class Disbursement(models.Model):
    """A payment (erogazione) of part of a grant."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="disbursements"
    )
    paid_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_positive")
        ]

    def __str__(self) -> str:
        return self.code
