"""Number and hash-chain the audit log; entries written before keep their order (by id)."""

import django.utils.timezone
from django.db import migrations, models

from mppdesk.audit import chain


def chain_existing_entries(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    prev, seq, batch = chain.GENESIS, 0, []
    for entry in AuditEntry.objects.using(db).order_by("id").iterator(chunk_size=2000):
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = chain.entry_hash(
            seq=seq,
            at=entry.at,
            actor_id=entry.actor_id,
            organization_id=entry.organization_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            fields=entry.fields,
            channel=entry.channel,
            request_id=entry.request_id,
            ip=entry.ip,
            prev_hash=entry.prev_hash,
        )
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
    AuditChainHead.objects.using(db).update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default=chain.GENESIS, max_length=64)),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain head",
            },
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
    ]
