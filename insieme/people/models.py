from django.db import models
from django.utils.translation import gettext_lazy as _

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
    residence_comune = models.ForeignKey(
        Comune,
        verbose_name=_("comune of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    employment_condition = models.CharField(
        _("employment condition"), max_length=20, choices=EmploymentCondition.choices, blank=True
    )
    education_level = models.CharField(_("education level"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"
