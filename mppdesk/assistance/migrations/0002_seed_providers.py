from django.db import migrations

from mppdesk.assistance.seed import seed_providers


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("places", "0006_seed_transfer_places"),
    ]

    operations = [migrations.RunPython(seed_providers, migrations.RunPython.noop)]
