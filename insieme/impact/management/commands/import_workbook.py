from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insieme.accounts.models import User
from insieme.impact.imports import import_and_record


class Command(BaseCommand):
    help = "Import a programme workbook (.xlsx, a folder of CSV files, or a .zip of CSV files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--by", metavar="EMAIL", help="the platform user the import is recorded under"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            by = None
            if options["by"]:
                by = User.objects.filter(email__iexact=options["by"]).first()
                if by is None:
                    raise CommandError(
                        _("There is no user with the e-mail address %(email)s.")
                        % {"email": options["by"]}
                    )
            report = import_and_record(options["path"], dry_run=options["dry_run"], by=by)
            if report.errors:
                row = _("row")
                for p in report.errors:
                    self.stderr.write(
                        f"{p.sheet}\t{row} {p.row}\t{p.column}\t{p.value!r}\t{p.message}"
                    )
                raise CommandError(
                    ngettext(
                        "The workbook has %(count)d error: nothing was imported.",
                        "The workbook has %(count)d errors: nothing was imported.",
                        len(report.errors),
                    )
                    % {"count": len(report.errors)}
                )
            header = _("Dry run: nothing was written.") if report.dry_run else _("Imported.")
            self.stdout.write(header)
            for sheet, c in report.counts.items():
                self.stdout.write(
                    _(
                        "%(sheet)s: %(created)d to create, %(updated)d to update, "
                        "%(unchanged)d unchanged"
                    )
                    % {
                        "sheet": sheet,
                        "created": c.created,
                        "updated": c.updated,
                        "unchanged": c.unchanged,
                    }
                    if report.dry_run
                    else _(
                        "%(sheet)s: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged"
                    )
                    % {
                        "sheet": sheet,
                        "created": c.created,
                        "updated": c.updated,
                        "unchanged": c.unchanged,
                    }
                )
