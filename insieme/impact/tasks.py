"""The web import of a programme workbook: check (dry run), then import, in the background.

Small files are handled while the operator waits; large ones go to the tasks worker, and the page
polls the `WorkbookImport` row for the progress bar.
"""

import io
import logging
from dataclasses import asdict

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from insieme.impact.imports import import_and_record
from insieme.impact.models import ImportStatus, WorkbookImport

logger = logging.getLogger(__name__)

# Above this size the check and the import run in the worker, not in the request.
LARGE_WORKBOOK_BYTES = 200_000


def run(import_id: int, *, dry_run: bool) -> None:
    """Check (dry run) or import the uploaded workbook, recording the outcome on its row."""
    upload = WorkbookImport.objects.select_related("uploaded_by", "confirmed_by").get(pk=import_id)
    by = upload.uploaded_by if dry_run else (upload.confirmed_by or upload.uploaded_by)
    shown = {"percent": -1}

    def progress(done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent != shown["percent"]:  # one write per percent, not per row
            shown["percent"] = percent
            WorkbookImport.objects.filter(pk=import_id).update(
                progress_done=done, progress_total=total
            )

    try:
        report = import_and_record(
            io.BytesIO(bytes(upload.content)),
            dry_run=dry_run,
            by=by,
            progress=progress,
            upload=None if dry_run else upload,
        )
    except Exception:
        # Whatever went wrong, the page must stop saying "running"; the import wrote nothing.
        logger.exception("Workbook import %s failed", import_id)
        WorkbookImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED,
            failure=_(
                "The workbook could not be processed because of an unexpected error; nothing "
                "was written. Tell the administrators, giving them the file name."
            ),
            finished_at=timezone.now(),
        )
        return
    if report.errors:
        status = ImportStatus.INVALID
    elif dry_run:
        status = ImportStatus.CHECKED
    else:
        status = ImportStatus.DONE
    WorkbookImport.objects.filter(pk=import_id).update(
        status=status,
        counts={
            name: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in report.counts.items()
        },
        errors=[asdict(problem) for problem in report.errors],
        finished_at=timezone.now() if status != ImportStatus.CHECKED else None,
    )


@task()
def check_workbook(import_id: int) -> None:
    run(import_id, dry_run=True)


@task()
def import_checked_workbook(import_id: int) -> None:
    run(import_id, dry_run=False)


def start(upload: WorkbookImport, *, dry_run: bool) -> None:
    """Run now if the file is small, otherwise queue it for the worker."""
    if upload.size <= LARGE_WORKBOOK_BYTES:
        run(upload.pk, dry_run=dry_run)
        return
    job = check_workbook if dry_run else import_checked_workbook
    transaction.on_commit(lambda: job.enqueue(upload.pk))
