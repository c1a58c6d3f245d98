from django.core.management.base import BaseCommand

from insieme.projects.reminders import emit_due_appointment_reminders


class Command(BaseCommand):
    help = "Send the reminders of the appointments that start within 24 hours (run by cron)."

    def handle(self, *args, **options) -> None:
        sent = emit_due_appointment_reminders()
        self.stdout.write(f"{sent} reminders")
