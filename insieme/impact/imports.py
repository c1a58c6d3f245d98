"""A workbook import recorded: the `WorkbookImport` row and its audited event, written in the
import's own transaction (so both exist exactly when the rows were written)."""

import functools
from typing import Any

from django.utils import timezone

from insieme.core.audit import log_event
from insieme.impact.models import ImportStatus, WorkbookImport
from insieme.workbook.importer import ImportReport, Progress, Source, import_workbook


def record_import(
    counts: dict, file_name: str, by: Any, *, upload: WorkbookImport | None = None
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


def import_and_record(
    source: Source,
    *,
    dry_run: bool,
    by: Any = None,
    progress: Progress | None = None,
    upload: WorkbookImport | None = None,
) -> ImportReport:
    """Import a workbook (insieme.workbook) and record it when it was written."""
    return import_workbook(
        source,
        dry_run=dry_run,
        by=by,
        progress=progress,
        record=functools.partial(record_import, upload=upload),
    )
