from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from insieme.accounts.demo import DEMO_PASSWORD, ensure_demo_users
from insieme.impact.demo import load_demo_programme


class Command(BaseCommand):
    help = "Load the demo accounts (and the demo programme, where it exists) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow it with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError("Demo data are for development: run with DEBUG=1 or --force.")
        translation.activate(settings.LANGUAGE_CODE)
        users = ensure_demo_users()
        load_demo_programme()
        self.stdout.write("")
        self.stdout.write(f"Insieme per il lavoro — {settings.SITE_URL}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for role, user, secret in users:
            mfa = f"MFA secret {secret}" if secret else "no MFA"
            self.stdout.write(f"  {role.label:<24} {user.email:<32} {mfa}")
        self.stdout.write(
            "Staff roles need a one-time code: add the secret to an authenticator app,\n"
            "or run `make otp` in another terminal to print the current codes."
        )
        mail = settings.MAILERS["default"]
        if mail["BACKEND"].endswith("filebased.EmailBackend"):
            self.stdout.write(f"Outgoing e-mail is written to {mail['OPTIONS']['file_path']}/")
        self.stdout.write("")
