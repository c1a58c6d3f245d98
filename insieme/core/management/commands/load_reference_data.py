from django.core.management.base import BaseCommand
from django.db import transaction

from insieme.core import reference
from insieme.core.models import Comune, ContractType, District, Sector


class Command(BaseCommand):
    help = "Add comuni, districts, sectors and contract types that are missing (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = reference.load_all(Comune, District, Sector, ContractType)
        self.stdout.write(
            "Reference data: " + ", ".join(f"{name} +{count}" for name, count in created.items())
        )
