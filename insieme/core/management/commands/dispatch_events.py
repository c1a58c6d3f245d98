from django.core.management.base import BaseCommand

from insieme.core.events import sweep


class Command(BaseCommand):
    help = (
        "Deliver the events whose delivery task was lost, and mark the deliveries of stopped "
        "workers failed (cron, every minute)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{sweep()} deliveries made.")
