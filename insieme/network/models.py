import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insieme.accounts.models import Role
from insieme.core.models import Comune
from insieme.network import activities


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


# Roles that see every organisation (organisations are not personal data; their contact people are).
# Not evaluators: a review is blind, and the directory's timelines name who applied with what; an
# evaluator reaches an application only through their assignments.
SEE_ALL_ROLES = (Role.OPERATOR, Role.ADMIN, Role.COACH)
# Roles that manage the registry.
MANAGER_ROLES = (Role.OPERATOR, Role.ADMIN)
# Roles whose users are linked to the organisation they belong to (OrganisationMember).
MEMBER_ROLES = (Role.PARTNER, Role.FUNDER)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user) -> "OrganisationQuerySet":
        """All organisations for operators, administrators and coaches; their own
        organisation(s) for partners and funders; none for anyone else."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*SEE_ALL_ROLES):
            return self
        if user.has_role(*MEMBER_ROLES):
            return self.of_member(user)
        return self.none()

    def of_member(self, user) -> "OrganisationQuerySet":
        """The organisations `user` acts for (OrganisationMember): a partner's or funder's own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            pk__in=OrganisationMember.objects.filter(user=user).values("organisation")
        )

    def for_list(self) -> "OrganisationQuerySet":
        return self.select_related("comune")

    def active(self) -> "OrganisationQuerySet":
        return self.filter(pseudonymised_at__isnull=True)

    def search(self, text: str) -> "OrganisationQuerySet":
        from insieme.core.listing import search

        return search(self, text, ["name", "fiscal_code", "comune__name"])  # type: ignore[return-value]


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
    ateco_code = models.CharField(
        _("economic activity (ATECO 2025)"),
        max_length=10,
        blank=True,
        validators=[activities.validate_ateco_code],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    ROLE_FIELDS = {
        NetworkRole.PARTNER: "is_partner",
        NetworkRole.EMPLOYER: "is_employer",
        NetworkRole.TRAINING: "is_training",
        NetworkRole.FUNDER: "is_funder",
    }

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_code__regex=r"^([0-9]{11}|[A-Z0-9]{16})$"),
                name="organisation_fiscal_code_normalised",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from insieme.core import phone
        from insieme.core.fiscal_code import normalise, validate_organisation_code

        errors: dict[str, ValidationError] = {}
        if self.fiscal_code:
            self.fiscal_code = normalise(self.fiscal_code)
            try:
                validate_organisation_code(self.fiscal_code)
            except ValidationError as error:
                errors["fiscal_code"] = error
        self.ateco_code = activities.normalise(self.ateco_code)
        try:
            self.phone = phone.normalise(self.phone)
        except ValidationError as error:
            errors["phone"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def roles(self) -> list[NetworkRole]:
        return [role for role, field in self.ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def ateco_title(self) -> str:
        return activities.title(self.ateco_code)

    @property
    def is_sole_trader(self) -> bool:
        return len(self.fiscal_code) == 16

    @property
    def is_pseudonymised(self) -> bool:
        return self.pseudonymised_at is not None

    def role_labels(self) -> list[str]:
        return [str(role.label) for role in self.roles]

    def is_member(self, user) -> bool:
        return user.is_authenticated and self.members.filter(user=user).exists()

    def contacts_visible_to(self, user) -> bool:
        """Contact people are personal data: operators, administrators and the organisation's
        own partner users see them."""
        if user.has_role(*MANAGER_ROLES):
            return True
        return user.has_role(Role.PARTNER) and self.is_member(user)

    def fiscal_code_visible_to(self, user) -> bool:
        """A sole trader's code is the owner's personal code: shown to managers and members."""
        return not self.is_sole_trader or user.has_role(*MANAGER_ROLES) or self.is_member(user)


class ContactPerson(models.Model):
    """Someone to talk to at an organisation (personal data: see contacts_visible_to)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name and surname"), max_length=200)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from insieme.core import phone

        try:
            self.phone = phone.normalise(self.phone)
        except ValidationError as error:
            raise ValidationError({"phone": error}) from None


class Agreement(models.Model):
    """An agreement (convenzione) between the programme and an organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty if open-ended."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("An agreement cannot end before it starts.")}, code="ends_before"
            )

    def is_active(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    @property
    def status_label(self) -> str:
        day = timezone.localdate()
        if self.starts_on > day:
            return str(pgettext_lazy("agreement", "not yet started"))
        if self.is_active(day):
            return str(pgettext_lazy("agreement", "active"))
        return str(pgettext_lazy("agreement", "expired"))


class OrganisationMember(models.Model):
    """A user who acts for an organisation: a partner's staff, or a funder's."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"
