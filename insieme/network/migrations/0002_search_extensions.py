from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """unaccent and pg_trgm for accent-insensitive, typo-tolerant search (insieme.core.listing).

    Both operations do nothing on SQLite.
    """

    dependencies = [("network", "0001_initial")]
    operations = [UnaccentExtension(), TrigramExtension()]
