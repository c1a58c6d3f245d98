from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
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


class Event(models.Model):
    """Something that happened in a domain, written by its service in the same transaction as
    the change (the outbox; see `insieme.core.events`). Subscribers get it after the commit."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    # A plain id, not a foreign key: core sits below accounts, and an event outlives its actor.
    actor_id = models.PositiveBigIntegerField(_("actor"), null=True, blank=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    # Set once every subscriber has its delivery (done, failed or running).
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["occurred_at"],
                name="core_event_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class EventDelivery(models.Model):
    """The one delivery of an event to one subscriber: claimed (written, committed) before the
    subscriber's handler runs, so that no other worker runs it again."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.CharField(_("subscriber"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="core_eventdelivery_once_per_subscriber"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscriber}: {self.status}"
