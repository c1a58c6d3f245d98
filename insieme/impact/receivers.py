"""What impact does when the workbook package announces something (`insieme.workbook.signals`)."""

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from insieme.core.audit import log_event
from insieme.impact.models import ImportStatus, WorkbookImport
from insieme.workbook import signals


@receiver(signals.imported, dispatch_uid="impact-record-workbook-import")
def record_import(
    sender: Any, *, counts: dict, file_name: str, by: Any, upload: Any, **kwargs: Any
) -> None:
    """One audited event per written import (its rows are written in bulk, with no trace per
    row), on the web import's `WorkbookImport` row, or on a new one for the command line."""
    if upload is None:
        upload = WorkbookImport.objects.create(
            file_name=file_name[:200],
            content=b"",
            size=0,
            uploaded_by=by,
            confirmed_by=by,
            status=ImportStatus.DONE,
            counts=counts,
            finished_at=timezone.now(),
        )
    log_event(
        upload,
        by=by,
        event="workbook_imported",
        details={"file_name": upload.file_name, "counts": counts},
    )
