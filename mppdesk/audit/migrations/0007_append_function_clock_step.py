"""``audit_append`` takes the previous entry's time only when the writer's clock is at
most ``chain.CLOCK_STEP`` behind it (``audit.sql``): a clock far ahead no longer pins
every later entry to its time. Nothing on SQLite."""

from django.db import migrations

from mppdesk.audit import sql


def install(apps, schema_editor):
    sql.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0006_append_function"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
