"""The PostgreSQL function that appends to the hash chain inside the server
(``audit.sql``): the chain head's lock is no longer held across round trips from Python.
Nothing on SQLite."""

from django.db import migrations

from mppdesk.audit import sql


def install(apps, schema_editor):
    sql.install(schema_editor.connection)


def remove(apps, schema_editor):
    sql.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_vocabulary_choices"),
    ]

    operations = [migrations.RunPython(install, remove)]
