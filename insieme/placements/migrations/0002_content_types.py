"""The content types of placements and follow-ups follow them to this app, so that their audit-log
entries and permissions (which point at the content type) stay theirs."""

from django.db import migrations

MODELS = ("placement", "followup")


def _move(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: the content type is created after migrating
        # A content type created meanwhile for the target (by a partial migrate) has nothing
        # of its own yet: the one with the history wins.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor) -> None:
    _move(apps, schema_editor, "employment", "placements")


def backwards(apps, schema_editor) -> None:
    _move(apps, schema_editor, "placements", "employment")


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
