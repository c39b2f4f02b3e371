from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_encrypt_personal_fields_blind_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactpoint",
            name="invalid_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="marked invalid at"),
        ),
        migrations.AddField(
            model_name="contactpoint",
            name="invalid_reason",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=32,
                verbose_name="invalid because",
            ),
        ),
    ]
