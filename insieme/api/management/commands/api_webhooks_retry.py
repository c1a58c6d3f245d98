from django.core.management.base import BaseCommand

from insieme.api.webhooks import retry_due


class Command(BaseCommand):
    help = "Send the webhook deliveries whose retry is due (for task backends without scheduling)."

    def handle(self, *args, **options):
        self.stdout.write(f"{retry_due()} deliveries queued.")
