from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from insieme.people import services


class Command(BaseCommand):
    help = (
        "List the people whose last activity is older than the retention period "
        "(PEOPLE_RETENTION_DAYS); with --apply, pseudonymise them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Pseudonymise the people listed.")

    def handle(self, *args, apply: bool = False, **options):
        cutoff = services.retention_cutoff()
        people = services.past_retention()
        self.stdout.write(
            f"Retention: {settings.PEOPLE_RETENTION_DAYS} days; last activity before "
            f"{cutoff.isoformat()}: {len(people)} people."
        )
        done = 0
        for person in people:
            # Only the primary key: names and codes stay out of logs and terminals.
            self.stdout.write(
                f"  person {person.pk} (last activity {person.activity_reference_date()})"
            )
            if apply:
                try:
                    services.pseudonymise(
                        person=person,
                        reason=f"retention period of {settings.PEOPLE_RETENTION_DAYS} days expired",
                        by=None,
                    )
                    done += 1
                except ValidationError as error:
                    self.stderr.write(f"  person {person.pk} skipped: {' '.join(error.messages)}")
        if apply:
            self.stdout.write(self.style.SUCCESS(f"Pseudonymised: {done}."))
        elif people:
            self.stdout.write("Run again with --apply to pseudonymise them.")
