"""The figures' cache reads the versions of the tables that every app's cache reads
(`insieme.core.versions`, triggers of migration core 0003): the figures' own counter and its
triggers (0003) go, so a write to those tables runs one version trigger instead of two."""

import importlib

from django.db import migrations

data_version = importlib.import_module("insieme.impact.migrations.0003_data_version")


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        data_version._run(schema_editor, data_version._pg_backward())
    elif vendor == "sqlite":
        data_version._run(schema_editor, data_version._sqlite_backward())


def restore_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        data_version._run(schema_editor, data_version._pg_forward())
    elif vendor == "sqlite":
        data_version._run(schema_editor, data_version._sqlite_forward())


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0003_data_version"),
        ("core", "0003_table_versions"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, restore_triggers),
        migrations.DeleteModel(name="DataVersion"),
    ]
