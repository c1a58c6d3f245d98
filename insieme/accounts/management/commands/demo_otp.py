from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from insieme.accounts.demo import DEMO_USERS, current_code, demo_totp_secret
from insieme.accounts.models import STAFF_ROLES


class Command(BaseCommand):
    help = "Print the current one-time codes of the demo staff accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Only with DEBUG=1: demo codes never exist in production.")
        for role, email, _first, _last in DEMO_USERS:
            if role in STAFF_ROLES:
                self.stdout.write(f"{email:<32} {current_code(demo_totp_secret(email))}")
