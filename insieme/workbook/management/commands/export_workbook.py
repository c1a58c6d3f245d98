from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insieme.workbook.exporter import export_workbook


class Command(BaseCommand):
    help = "Export the programme workbook: PATH ending in .xlsx or .zip, or a folder of CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = export_workbook(options["path"])
        for sheet, rows in counts.items():
            self.stdout.write(f"{sheet}: {rows}")
