"""The version of the data the figures read, bumped by triggers on every committed write.

PostgreSQL: a deferred constraint trigger per row runs at commit and bumps the version once per
transaction (a 100,000-row import costs one UPDATE; the counter row is locked only while the
transaction commits, so it cannot deadlock with the row locks taken during the transaction).
TRUNCATE has a statement trigger (constraint triggers cannot be on TRUNCATE): it bumps at once.
The new value comes from a sequence, so it never repeats, not even after the row is truncated.

SQLite: plain row triggers (SQLite runs one writer at a time); the new value is random.
"""

from django.db import migrations, models

# The tables `insieme.impact.figures` and the dashboard read.
TABLES = (
    "people_person",
    "employment_registration",
    "employment_interview",
    "employment_placement",
    "calls_application",
    "calls_call",
    "grants_grant",
    "grants_disbursement",
    "grants_fund",
    "core_comune",
    "core_district",
    "core_sector",
    "core_contracttype",
    "network_organisation",
)

PG_FUNCTIONS = """
CREATE SEQUENCE insieme_data_version_seq;
CREATE FUNCTION insieme_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'TRUNCATE'
       AND current_setting('insieme.version_bumped', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('insieme.version_bumped', txid_current()::text, true);
    INSERT INTO impact_dataversion (id, version)
        VALUES (1, nextval('insieme_data_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END;
$$;
"""


def _pg_forward() -> list[str]:
    sql = [PG_FUNCTIONS]
    for table in TABLES:
        sql.append(
            f"CREATE CONSTRAINT TRIGGER insieme_data_version AFTER INSERT OR UPDATE OR DELETE"
            f" ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            f" EXECUTE FUNCTION insieme_bump_data_version();"
            f" CREATE TRIGGER insieme_data_version_truncate AFTER TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION insieme_bump_data_version();"
        )
    return sql


def _pg_backward() -> list[str]:
    sql = [
        f"DROP TRIGGER IF EXISTS insieme_data_version ON {table};"
        f" DROP TRIGGER IF EXISTS insieme_data_version_truncate ON {table};"
        for table in TABLES
    ]
    sql.append("DROP FUNCTION IF EXISTS insieme_bump_data_version();")
    sql.append("DROP SEQUENCE IF EXISTS insieme_data_version_seq;")
    return sql


SQLITE_BUMP = "INSERT OR REPLACE INTO impact_dataversion (id, version) VALUES (1, random());"


def _sqlite_forward() -> list[str]:
    return [
        f"CREATE TRIGGER insieme_data_version_{table}_{op.lower()} AFTER {op} ON {table}"
        f" BEGIN {SQLITE_BUMP} END;"
        for table in TABLES
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def _sqlite_backward() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS insieme_data_version_{table}_{op.lower()};"
        for table in TABLES
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def _run(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, _pg_forward())
        # From the sequence, so that no later bump gives the same value.
        first = "nextval('insieme_data_version_seq')"
    elif vendor == "sqlite":
        _run(schema_editor, _sqlite_forward())
        first = "random()"
    else:
        raise NotImplementedError(vendor)
    schema_editor.execute(f"INSERT INTO impact_dataversion (id, version) VALUES (1, {first})")


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, _pg_backward())
    elif vendor == "sqlite":
        _run(schema_editor, _sqlite_backward())


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0002_workbookimport_uploaded_by_optional"),
        ("people", "0003_person_account"),
        ("employment", "0006_attendance"),
        ("calls", "0002_application_answers_application_outcome_reason_and_more"),
        ("grants", "0004_tranche_milestone"),
        ("core", "0002_reference_data"),
        ("network", "0004_organisation_pseudonymised_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={"verbose_name": "version of the data"},
        ),
        migrations.RunPython(forward, backward),
    ]
