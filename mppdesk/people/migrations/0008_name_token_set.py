"""Each person's name-token digests as one array with a GIN index, kept by triggers from
the token table (``people.token_sets``): searches of only common words intersect it.
Filled from the tokens already there. Nothing on SQLite."""

from django.db import migrations

from mppdesk.people import token_sets


def install(apps, schema_editor):
    token_sets.install(schema_editor.connection)


def remove(apps, schema_editor):
    token_sets.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0007_name_token_search_index"),
    ]

    operations = [migrations.RunPython(install, remove)]
