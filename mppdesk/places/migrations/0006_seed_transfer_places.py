from django.db import migrations


def seed(apps, schema_editor):
    from mppdesk.places.seed import seed_transfer_places

    seed_transfer_places(
        apps.get_model("places", "DetentionFacility"), apps.get_model("places", "Shelter")
    )


class Migration(migrations.Migration):
    dependencies = [("places", "0005_transfer_places")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
