from django.db import migrations


def load(apps, schema_editor):
    from insieme.core import reference

    reference.load_all(
        apps.get_model("core", "Comune"),
        apps.get_model("core", "District"),
        apps.get_model("core", "Sector"),
        apps.get_model("core", "ContractType"),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
