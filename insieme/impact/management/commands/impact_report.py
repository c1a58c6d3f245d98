import datetime
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from insieme.calls.models import Line
from insieme.impact import figures_export
from insieme.impact.figures import Filters, compute

FORMATS = ("json", "csv", "xlsx", "md", "pdf")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "The impact report of DOMAIN.md: json (the contract), or csv/xlsx/md/pdf for people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--from", dest="date_from", type=_date)
        parser.add_argument("--to", dest="date_to", type=_date)
        parser.add_argument("--line", choices=Line.values)
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        filters = Filters(
            date_from=options["date_from"], date_to=options["date_to"], line=options["line"]
        )
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise CommandError("--from is after --to")
        report = compute(filters)
        fmt = options["format"]
        with translation.override(settings.LANGUAGE_CODE):
            content: str | bytes
            if fmt == "json":
                content = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            elif fmt == "csv":
                content = figures_export.to_csv(report)
            elif fmt == "md":
                content = figures_export.to_markdown(report)
            elif fmt == "xlsx":
                content = figures_export.to_xlsx(report)
            else:
                content = figures_export.to_pdf(report)
        if options["output"]:
            path = Path(options["output"])
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(content, ending="")
