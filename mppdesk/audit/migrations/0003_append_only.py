"""Every entry has its seq; make it unique and the log append-only (database triggers).

A separate migration from the backfill: PostgreSQL refuses ALTER TABLE in a transaction
that still has trigger events pending from the rows the backfill updated.
"""

from django.db import migrations, models

from mppdesk.audit import triggers


def install_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_hash_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["seq"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
            },
        ),
        # Last: on SQLite the AlterField above rebuilds the table, which drops triggers.
        migrations.RunPython(install_triggers, remove_triggers),
    ]
