from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "verifica", _("Checking")
    CHECKED = "verificato", _("Checked: ready to import")
    INVALID = "errori", _("Errors found: nothing written")
    IMPORTING = "importazione", _("Importing")
    DONE = "completato", _("Imported")
    FAILED = "fallito", _("Failed")


class WorkbookImport(models.Model):
    """A programme workbook uploaded in the browser: its check, then its import.

    The file is kept in the database (workers and web servers share nothing else), with the
    status row that the page polls to draw the progress bar.
    """

    RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    # empty for an import run from the command line by no platform user
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    progress_done = models.PositiveIntegerField(_("rows processed"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in all"), default=0)
    counts = models.JSONField(_("rows to create, update, leave unchanged"), default=dict)
    errors = models.JSONField(_("errors"), default=list)
    failure = models.TextField(_("failure"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("workbook import")
        verbose_name_plural = _("workbook imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def totals(self) -> dict[str, int]:
        return {
            kind: sum(sheet.get(kind, 0) for sheet in self.counts.values())
            for kind in ("created", "updated", "unchanged")
        }
