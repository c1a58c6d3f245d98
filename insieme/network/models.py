from django.db import models
from django.utils.translation import gettext_lazy as _

from insieme.core.models import Comune


class LegalForm(models.TextChoices):
    COMPANY = "impresa", _("Company")
    SOCIAL_COOPERATIVE = "cooperativa_sociale", _("Social cooperative")
    ASSOCIATION = "associazione", _("Association")
    FOUNDATION = "fondazione", _("Foundation")
    TRAINING_BODY = "ente_formazione", _("Training body")
    PUBLIC_BODY = "ente_pubblico", _("Public body")
    RELIGIOUS_BODY = "ente_religioso", _("Religious body")
    OTHER = "altro", _("Other")


class NetworkRole(models.TextChoices):
    PARTNER = "partner", _("Partner")
    EMPLOYER = "datore", _("Employer")
    TRAINING = "formazione", _("Training")
    FUNDER = "finanziatore", _("Funder")


class Organisation(models.Model):
    """A company, association, training body or funder of the network.

    Keyed on the 11-digit codice fiscale / partita IVA, or on the owner's personal code for a sole
    trader (so a code can belong to a person and to an organisation).
    """

    fiscal_code = models.CharField(_("codice fiscale / partita IVA"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalForm.choices, blank=True
    )
    third_sector = models.BooleanField(_("third-sector entity (RUNTS)"), default=False)
    comune = models.ForeignKey(
        Comune, verbose_name=_("comune"), on_delete=models.PROTECT, null=True, blank=True
    )
    is_partner = models.BooleanField(_("partner"), default=False)
    is_employer = models.BooleanField(_("employer"), default=False)
    is_training = models.BooleanField(_("training body"), default=False)
    is_funder = models.BooleanField(_("funder"), default=False)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    ROLE_FIELDS = {
        NetworkRole.PARTNER: "is_partner",
        NetworkRole.EMPLOYER: "is_employer",
        NetworkRole.TRAINING: "is_training",
        NetworkRole.FUNDER: "is_funder",
    }

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[NetworkRole]:
        return [role for role, field in self.ROLE_FIELDS.items() if getattr(self, field)]
