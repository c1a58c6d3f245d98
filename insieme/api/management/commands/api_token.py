"""Print a new API token for a user, for automation (the raw token is shown only here)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insieme.accounts.models import User
from insieme.api.models import Scope
from insieme.api.services import create_token


class Command(BaseCommand):
    help = "Create an API token for the user with this e-mail address and print it."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            help="read (default) or write; repeat it to give both.",
        )
        parser.add_argument("--name", default="automation")
        parser.add_argument(
            "--days", type=int, default=None, help="Expire after this many days (default: never)."
        )

    def handle(self, *args, email, scope, name, days, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with e-mail address {email}.")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            _token, raw = create_token(
                user=user,
                name=name,
                scopes=scope or [Scope.READ],
                expires_at=expires_at,
                by=user,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(raw)
