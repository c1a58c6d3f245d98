from django.core.management.base import BaseCommand

from insieme.notices import digest


class Command(BaseCommand):
    help = "E-mail each member of staff their unread notices of the last seven days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Do not send now: queue the weekly run on the worker (next Monday at 07:00).",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            when = digest.schedule()
            if when is None:
                self.stdout.write("The task back-end cannot schedule: run this command by cron.")
            else:
                self.stdout.write(f"Weekly digest queued for {when.isoformat()}.")
            return
        sent = digest.send_digests()
        self.stdout.write(f"{sent} digests queued.")
