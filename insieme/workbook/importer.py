"""Importing a programme workbook (DOMAIN.md, "The programme workbook").

`import_workbook(source, dry_run=..., by=..., progress=...)` reads every sheet, checks every row and
every reference, and only when nothing is wrong writes everything in one transaction, with bulk
queries (a fixed number per sheet and per 5,000 rows, never one per row). A dry run stops before
writing and reports what would be created, updated and left unchanged.

Rows are compared with the database by their natural keys (codes), so that importing the same
workbook twice changes nothing and a dry run can tell apart new, changed and unchanged rows.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import ApplicationStatus

from .lookups import load_existing, same
from .reader import SHEETS, Sheet, Source, UnreadableWorkbook, read
from .specs import SPECS, ImportReport, Problem, Progress, SheetCounts
from .validating import Checker, check_disbursements, resolve_references
from .writing import write

# Called with the counts per sheet, the file name and the user (or None) of a written import.
Recorder = Callable[[dict[str, dict[str, int]], str, Any], None]


def import_workbook(
    source: Source,
    *,
    dry_run: bool,
    by: Any = None,
    progress: Progress | None = None,
    file_name: str | None = None,
    record: "Recorder | None" = None,
) -> ImportReport:
    """Check a workbook and, when every row is valid and this is not a dry run, write it.

    The rows are written in bulk, which leaves no trace per row in the audit log: `record`, when
    given, is called inside the import's transaction once every row is written, with the counts
    per sheet, the file name and the user, so that the caller records the import (impact's
    `WorkbookImport` and its audited event) with the rows or not at all.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        sheets = read(source)
    except UnreadableWorkbook:
        report.errors.append(
            Problem(
                "",
                0,
                "",
                "",
                str(
                    _(
                        "This file cannot be read: upload an .xlsx workbook or a .zip of CSV "
                        "files (UTF-8) named after the sheets."
                    )
                ),
            )
        )
        return report
    total = sum(len(s.rows) for s in sheets.values())
    step = _Steps(progress, total * (1 if dry_run else 2))

    checker = Checker(sheets)
    checker.run()
    step.advance(total)
    resolve_references(checker)
    check_disbursements(checker)
    if checker.errors:
        report.errors = sorted(checker.errors, key=lambda p: _position(sheets, p))
        return report

    plans: dict[str, tuple[list[tuple[str, dict[str, Any]]], list[tuple[int, dict[str, Any]]]]] = {}
    for name in SHEETS:
        if name not in sheets:
            continue
        spec = SPECS[name]
        wanted = checker.parsed[name]
        existing = load_existing(spec, list(wanted))
        to_create, to_update = [], []
        counts = report.counts.setdefault(name, SheetCounts())
        for key, parsed in wanted.items():
            current = existing.get(key)
            if (
                current is not None
                and name == "candidature"
                and parsed.values["status"] == ApplicationStatus.SUBMITTED
                and current[1].get("status") == ApplicationStatus.IN_EVALUATION
            ):
                # "presentata" is how the export writes an application under evaluation:
                # re-importing it must not move the application back
                parsed.values["status"] = ApplicationStatus.IN_EVALUATION
            if current is None:
                to_create.append((key, parsed.values))
                counts.created += 1
            elif same(spec, parsed.values, current[1]):
                counts.unchanged += 1
                if name == "candidature":
                    to_update.append((current[0], {"_project_only": True, **parsed.values}))
            else:
                to_update.append((current[0], {**parsed.values, "_current": current[1]}))
                counts.updated += 1
        plans[name] = (to_create, to_update)
    if dry_run:
        return report

    with transaction.atomic(), set_actor(by):
        for name, (to_create, to_update) in plans.items():
            write(SPECS[name], to_create, to_update)
            step.advance(len(checker.parsed[name]))
        if record is not None:
            written = {
                sheet: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                for sheet, c in report.counts.items()
            }
            shown = file_name or (Path(source).name if isinstance(source, str | Path) else "")
            record(written, shown, by if getattr(by, "is_authenticated", False) else None)
    return report


def _position(sheets: dict[str, Sheet], problem: Problem) -> tuple[int, int, int]:
    """Errors in the order of the workbook: sheet, row, column."""
    headers = sheets[problem.sheet].headers if problem.sheet in sheets else []
    column = headers.index(problem.column) if problem.column in headers else len(headers)
    return (SHEETS.index(problem.sheet), problem.row, column)


class _Steps:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def advance(self, rows: int) -> None:
        self.done += rows
        if self.progress:
            self.progress(min(self.done, self.total), self.total)
