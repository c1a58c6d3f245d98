"""Placements and follow-ups leave the employment app for their own (placements 0001_initial).

State only: the tables stay, with their names, rows, indexes and constraints. This runs after the
table-version triggers were created (core 0003), so that a fresh database gets them on these
tables as an existing one has them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("employment", "0007_drill_down_indexes"),
        ("core", "0003_table_versions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="FollowUp"),
                migrations.DeleteModel(name="Placement"),
            ],
            database_operations=[],
        ),
    ]
