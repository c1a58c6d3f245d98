"""The version of each table's data, bumped by triggers on every committed write to it.

What the lists' counts are cached under (`insieme.core.counts`). Every table of the
programme's apps (and of django.contrib.auth, which the role checks read) gets the triggers and a
row; a table created later has neither, and what reads it is simply not cached. The triggers
write the row (insert or update), so a table's row exists only if it has the triggers, also after
the table of versions has been emptied (as the test runner's flush does).

PostgreSQL: as the figures' data version (impact 0003), a deferred constraint trigger per row runs
at commit and bumps the table's version once per transaction (a 100,000-row import costs one
UPDATE per table; the version row is locked only while the transaction commits, so it cannot
deadlock with the row locks taken during the transaction). TRUNCATE has a statement trigger. The
new value comes from a sequence, so it never repeats.

SQLite: plain row triggers (SQLite runs one writer at a time); the new value is random.
"""

from django.db import migrations, models

APPS = (
    "auth",
    "accounts",
    "core",
    "people",
    "network",
    "calls",
    "evaluations",
    "projects",
    "grants",
    "employment",
    "impact",
    "api",
)
# Written by the version triggers themselves.
SKIPPED = {"core_tableversion", "impact_dataversion"}

PG_FUNCTION = """
CREATE SEQUENCE insieme_table_version_seq;
CREATE FUNCTION insieme_bump_table_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flag text := 'insieme_table_version.' || TG_TABLE_NAME;
BEGIN
    IF TG_OP <> 'TRUNCATE' AND current_setting(flag, true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config(flag, txid_current()::text, true);
    INSERT INTO core_tableversion (table_name, version)
        VALUES (TG_TABLE_NAME, nextval('insieme_table_version_seq'))
        ON CONFLICT (table_name) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END;
$$;
"""


def _tables(apps) -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and model._meta.managed and not model._meta.proxy
    }
    return sorted(tables - SKIPPED)


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    tables = _tables(apps)
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        first = "nextval('insieme_table_version_seq')"
        for table in tables:
            schema_editor.execute(
                f"CREATE CONSTRAINT TRIGGER insieme_table_version"
                f" AFTER INSERT OR UPDATE OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED"
                f" FOR EACH ROW EXECUTE FUNCTION insieme_bump_table_version();"
                f" CREATE TRIGGER insieme_table_version_truncate AFTER TRUNCATE ON {table}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION insieme_bump_table_version();"
            )
    elif vendor == "sqlite":
        first = "random()"
        for table in tables:
            for op in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER insieme_table_version_{table}_{op.lower()}"
                    f" AFTER {op} ON {table} BEGIN INSERT OR REPLACE INTO core_tableversion"
                    f" (table_name, version) VALUES ('{table}', random()); END;"
                )
    else:
        raise NotImplementedError(vendor)
    for table in tables:
        schema_editor.execute(
            f"INSERT INTO core_tableversion (table_name, version) VALUES ('{table}', {first})"
        )


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger"
                " WHERE tgname = 'insieme_table_version'"
            )
            for (table,) in cursor.fetchall():
                cursor.execute(
                    f"DROP TRIGGER insieme_table_version ON {table};"
                    f" DROP TRIGGER IF EXISTS insieme_table_version_truncate ON {table};"
                )
            cursor.execute("DROP FUNCTION IF EXISTS insieme_bump_table_version();")
            cursor.execute("DROP SEQUENCE IF EXISTS insieme_table_version_seq;")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'insieme_table_version_%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_reference_data"),
        ("auth", "__latest__"),
        ("accounts", "0002_role_groups"),
        ("people", "0003_person_account"),
        ("network", "0004_organisation_pseudonymised_at"),
        ("calls", "0002_application_answers_application_outcome_reason_and_more"),
        ("evaluations", "0001_initial"),
        ("projects", "0004_milestone_created_by"),
        ("grants", "0004_tranche_milestone"),
        ("employment", "0007_drill_down_indexes"),
        ("impact", "0003_data_version"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                (
                    "table_name",
                    models.CharField(
                        max_length=63, primary_key=True, serialize=False, verbose_name="table"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "version of a table",
                "verbose_name_plural": "versions of the tables",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
