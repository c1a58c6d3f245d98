import datetime
import uuid
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core.hours import validate_weekly_hours
from insieme.core.models import Comune


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class EmploymentCondition(models.TextChoices):
    UNEMPLOYED = "disoccupato", _("Unemployed")
    NEVER_EMPLOYED = "inoccupato", _("Never employed")
    UNDEREMPLOYED = "sottoccupato", _("Underemployed")
    EMPLOYED = "occupato", _("Employed")
    STUDENT = "studente", _("Student")
    OTHER = "altro", _("Other")


class Shift(models.TextChoices):
    ANY = "qualsiasi", _("Any shift")
    MORNING = "mattina", _("Mornings")
    AFTERNOON = "pomeriggio", _("Afternoons")
    DAYTIME = "giornata", _("Daytime")
    NIGHT = "notte", _("Nights too")
    WEEKENDS = "weekend", _("Weekends too")


# What a search for people looks in (PersonQuerySet.search and the people list's SearchForm).
PERSON_SEARCH_FIELDS = ("last_name", "first_name", "fiscal_code", "residence_comune__name")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user) -> "PersonQuerySet":
        """The people `user` may see (see docs/guida/persone.md, "Chi vede cosa")."""
        from insieme.accounts.models import Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_role(Role.OPERATOR, Role.ADMIN):
            return self
        # Everyone sees their own record, once an operator has linked it to their account.
        own = Q(account=user)
        if user.has_role(Role.COACH):
            # People who applied with a project the coach accompanies.
            return self.filter(
                Q(pk__in=Person.objects.filter(applications__project__coaches=user).values("pk"))
                | own
            )
        if user.has_role(Role.PARTNER):
            return self.filter(Q(pk__in=_referred_to_organisations_of(user)) | own)
        # Funders never see personal data but their own.
        return self.filter(own)

    def for_list(self) -> "PersonQuerySet":
        return self.select_related("residence_comune")

    def search(self, text: str) -> "PersonQuerySet":
        from insieme.core.listing import search

        return cast("PersonQuerySet", search(self, text, PERSON_SEARCH_FIELDS))

    def active(self) -> "PersonQuerySet":
        return self.filter(pseudonymised_at__isnull=True)


def _referred_to_organisations_of(user) -> models.QuerySet:
    """Primary keys of the people referred to a vacancy of an organisation `user` belongs to,
    as long as they let the programme share their CV with partner companies."""
    from django.apps import apps

    Referral = apps.get_model("employment", "Referral")
    OrganisationMember = apps.get_model("network", "OrganisationMember")
    return Referral.objects.filter(
        vacancy__organisation__in=OrganisationMember.objects.filter(user=user).values(
            "organisation"
        ),
        person__consents__purpose=ConsentPurpose.CV_SHARING,
        person__consents__withdrawn_at__isnull=True,
    ).values("person")


class Person(models.Model):
    """A person the programme serves, identified by the normalised codice fiscale."""

    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    fiscal_code_is_temporary = models.BooleanField(
        _("temporary code"),
        default=False,
        help_text=_("An 11-digit temporary numeric code, to be replaced by the definitive one."),
    )
    last_name = models.CharField(_("surname"), max_length=120)
    first_name = models.CharField(_("name"), max_length=120)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_place_code = models.CharField(
        _("cadastral code of the place of birth"), max_length=4, blank=True
    )
    birth_place = models.CharField(_("place of birth"), max_length=120, blank=True)
    residence_comune = models.ForeignKey(
        Comune,
        verbose_name=_("comune of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    employment_condition = models.CharField(
        _("employment condition"), max_length=20, choices=EmploymentCondition.choices, blank=True
    )
    education_level = models.CharField(_("education level"), max_length=120, blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        help_text=_("Languages spoken, with the level if known (e.g. italiano B1, arabo)."),
    )
    driving_licence = models.CharField(
        _("driving licence"),
        max_length=40,
        blank=True,
        help_text=_("Categories held (e.g. B, C); empty if none."),
    )
    own_transport = models.BooleanField(_("has own means of transport"), default=False)
    available_hours = models.PositiveSmallIntegerField(
        _("weekly hours available"), null=True, blank=True, validators=[validate_weekly_hours]
    )
    available_shifts = models.CharField(
        _("shifts available"), max_length=20, choices=Shift.choices, blank=True
    )
    constraints = models.TextField(
        _("constraints"),
        blank=True,
        help_text=_(
            "Practical constraints such as childcare. Health notes go in the protected part."
        ),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text=_(
            "The login of the person themselves, linked by an operator after checking their "
            "identity: with it they see their own profile."
        ),
    )
    last_activity = models.DateField(
        _("last activity"),
        null=True,
        blank=True,
        help_text=_("The retention period of personal data runs from this date."),
    )
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"

    def clean(self) -> None:
        """The codice fiscale normalised and coherent with the birth date and sex given, what is
        not given taken from it (`people.checks`); the phone number in E.164 (`core.phone`).
        Every service that saves a person calls it through `full_clean()`."""
        from django.core.exceptions import ValidationError

        from insieme.core import fiscal_code, phone
        from insieme.people import checks

        errors: dict[str, ValidationError] = {}
        if self.fiscal_code and not self.is_pseudonymised:
            try:
                decoded = fiscal_code.decode(self.fiscal_code)
            except ValidationError as error:
                errors["fiscal_code"] = error
            else:
                self.fiscal_code = decoded.code
                self.fiscal_code_is_temporary = decoded.is_temporary
                errors.update(
                    checks.disagreements(decoded.code, birth_date=self.birth_date, sex=self.sex)
                )
                if not errors:
                    values = {"birth_date": self.birth_date, "sex": self.sex}
                    for name, value in checks.completed(decoded, values).items():
                        setattr(self, name, value)
        try:
            self.phone = phone.normalise(self.phone)
        except ValidationError as error:
            errors["phone"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def is_pseudonymised(self) -> bool:
        return self.pseudonymised_at is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def activity_reference_date(self) -> datetime.date:
        return self.last_activity or timezone.localdate(self.created_at)


class SpecialCategoryData(models.Model):
    """Special-category data (GDPR art. 9): readable only with `people.view_special_category`."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="special_category",
    )
    disability_68_99 = models.BooleanField(
        _("registered disabled person (law 68/99)"), default=False
    )
    disability_percentage = models.PositiveSmallIntegerField(
        _("disability percentage"), null=True, blank=True
    )
    health_notes = models.TextField(_("health notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("special-category data")
        verbose_name_plural = _("special-category data")
        permissions = [
            ("view_special_category", _("Can read special-category data (disability, health)"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_percentage__isnull=True) | Q(disability_percentage__lte=100),
                name="disability_percentage_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return str(_("Special-category data"))


class ConsentPurpose(models.TextChoices):
    SERVICE = "servizio", _("Service delivery")
    JOB_OFFERS = "offerte", _("Contact for job offers")
    CV_SHARING = "cv_partner", _("Sharing the CV with partner companies")
    NEWSLETTER = "newsletter", _("Newsletters")


class ConsentChannel(models.TextChoices):
    PAPER = "cartaceo", _("Signed on paper")
    ONLINE = "online", _("Online form")
    EMAIL = "email", _("E-mail")
    ORAL = "orale", _("Orally, recorded by an operator")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """A person's consent for one purpose, under one version of the privacy notice."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=40)
    given_on = models.DateField(_("date given"))
    channel = models.CharField(_("channel"), max_length=20, choices=ConsentChannel.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["purpose", "-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_consent_in_force_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    ID = "documento", _("Identity document")
    OTHER = "altro", _("Other")


def document_path(instance: "Document", filename: str) -> str:
    # Random names: neither the person's name nor their code ends up in the file system.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"people/{uuid.uuid4().hex}.{suffix}"


class Document(models.Model):
    """A file about a person (CV, ID), stored outside the web root and served by a view."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
