from django.db import models
from django.utils.translation import gettext_lazy as _

METROPOLITAN_PROVINCE = "BO"


class District(models.Model):
    """A district (distretto socio-sanitario) of the Città metropolitana di Bologna."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComuneQuerySet(models.QuerySet["Comune"]):
    def metropolitan(self) -> "ComuneQuerySet":
        return self.filter(province=METROPOLITAN_PROVINCE)


class Comune(models.Model):
    """An Italian municipality, keyed on its ISTAT code."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    province = models.CharField(_("province"), max_length=2, db_index=True)
    region = models.CharField(_("region"), max_length=60)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True
    )
    decentralised = models.BooleanField(
        _("decentralised area"),
        default=False,
        help_text=_("Counted in the decentralised areas of the metropolitan city."),
    )

    objects = ComuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.province})"

    @property
    def is_metropolitan(self) -> bool:
        return self.province == METROPOLITAN_PROVINCE


class Sector(models.Model):
    """A sector of the projects of the calls-and-projects line."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractType(models.Model):
    """A type of employment contract; `tirocinio` is counted apart from placements."""

    TRAINEESHIP = "tirocinio"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("contract type")
        verbose_name_plural = _("contract types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TableVersion(models.Model):
    """The version of one table's data, changed by database triggers at the commit of every
    write to it (see migration 0003 and `insieme.core.counts`). A table has a row only if it has
    the triggers."""

    table_name = models.CharField(_("table"), max_length=63, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version of a table")
        verbose_name_plural = _("versions of the tables")

    def __str__(self) -> str:
        return f"{self.table_name} {self.version}"
