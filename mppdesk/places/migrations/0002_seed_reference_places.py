from django.db import migrations


def seed(apps, schema_editor):
    from mppdesk.places.seed import seed_places

    seed_places(apps.get_model("places", "Venue"), apps.get_model("places", "Port"))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
