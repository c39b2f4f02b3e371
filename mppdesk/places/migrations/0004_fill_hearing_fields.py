from django.db import migrations


def fill(apps, schema_editor):
    from mppdesk.places.seed import fill_hearing_fields

    fill_hearing_fields(apps.get_model("places", "Venue"), apps.get_model("places", "Port"))


class Migration(migrations.Migration):
    dependencies = [("places", "0003_hearing_fields")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
