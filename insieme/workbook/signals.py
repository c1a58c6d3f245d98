"""What the workbook announces to the apps above it (it imports none of them)."""

from django.dispatch import Signal

# Sent inside the import's transaction once every row is written, so a receiver's writes commit
# or roll back with the import. Arguments: `counts` ({sheet: {"created", "updated", "unchanged"}}),
# `file_name`, `by` (the user, or None) and `upload` (what the web import passed, or None).
# `insieme.impact` records the `WorkbookImport` row and its audited event on it.
imported = Signal()
