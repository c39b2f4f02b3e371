from django.db import migrations

BATCH = 500


def add_prefix_tokens(apps, schema_editor):
    """Give the people already stored the name tokens of the beginnings of their names
    (people created or renamed from now on get them from ``name_token_digests``). The
    names are decrypted with the fields of the historical model, the same key and
    associated data as the model's own. Purpose and minimum length are those of
    ``people.services.PREFIX_PURPOSE`` and ``lib.text.NAME_PREFIX_MIN``."""
    from mppdesk.lib import crypto
    from mppdesk.lib.text import name_tokens, word_prefixes

    Person = apps.get_model("people", "Person")
    Token = apps.get_model("people", "PersonNameToken")
    fields = [Person._meta.get_field(name) for name in ("given_names", "family_names", "other_names")]
    rows = Person._base_manager.values_list("pk", *(f.attname for f in fields))
    batch = []
    for pk, *stored in rows.iterator(chunk_size=BATCH):
        given, family, other = (f.decrypt_value(value, pk) for f, value in zip(fields, stored, strict=True))
        digests = {
            crypto.blind_index("name_prefix", prefix)
            for word in name_tokens(given or "", family or "", *(other or []))
            for prefix in word_prefixes(word)
        }
        batch.extend(Token(person_id=pk, bidx=digest) for digest in digests)
        if len(batch) >= BATCH:
            Token.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Token.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("people", "0005_person_newest_first")]

    operations = [
        migrations.RunPython(add_prefix_tokens, migrations.RunPython.noop, elidable=True),
    ]
