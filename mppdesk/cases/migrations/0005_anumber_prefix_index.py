
import mppdesk.core.fields
from django.db import migrations

PREFIX_LENGTHS = (4, 5, 6, 7)


def backfill_prefixes(apps, schema_editor):
    """Index the A-number prefixes of the cases already stored (new and changed cases get
    theirs on save). The digits are decrypted with the field of the historical model, the
    same key and associated data as the model's own; later runs of ``mppdesk keys
    rotate-index`` recompute them like every other blind index."""
    from mppdesk.lib import crypto
    from mppdesk.lib.anumber import anumber_prefix

    Case = apps.get_model("cases", "Case")
    field = Case._meta.get_field("a_number")
    rows = Case._base_manager.exclude(a_number="").values_list("pk", "a_number")
    for pk, stored in rows.iterator(chunk_size=1000):
        digits = str(field.decrypt_value(stored, pk) or "")
        values = {}
        for length in PREFIX_LENGTHS:
            prefix = anumber_prefix(digits, length)
            values[f"a_number_p{length}_bidx"] = (
                crypto.blind_index("a_number_prefix", prefix) if prefix else ""
            )
        Case._base_manager.filter(pk=pk).update(**values)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_document_exposure'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='a_number_p4_bidx',
            field=mppdesk.core.fields.BlindIndexField(db_index=True, purpose='a_number_prefix', source='a_number_p4'),
        ),
        migrations.AddField(
            model_name='case',
            name='a_number_p5_bidx',
            field=mppdesk.core.fields.BlindIndexField(db_index=True, purpose='a_number_prefix', source='a_number_p5'),
        ),
        migrations.AddField(
            model_name='case',
            name='a_number_p6_bidx',
            field=mppdesk.core.fields.BlindIndexField(db_index=True, purpose='a_number_prefix', source='a_number_p6'),
        ),
        migrations.AddField(
            model_name='case',
            name='a_number_p7_bidx',
            field=mppdesk.core.fields.BlindIndexField(db_index=True, purpose='a_number_prefix', source='a_number_p7'),
        ),
        migrations.RunPython(backfill_prefixes, migrations.RunPython.noop, elidable=True),
    ]
