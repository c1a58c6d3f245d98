from django.core.management.base import BaseCommand

from insieme.employment.tasks import send_operator_digests


class Command(BaseCommand):
    help = "Queue the daily e-mail of reminders to operators (run it once a day from cron)."

    def handle(self, *args, **options) -> None:
        result = send_operator_digests.enqueue()
        self.stdout.write(f"queued {result.id}")
