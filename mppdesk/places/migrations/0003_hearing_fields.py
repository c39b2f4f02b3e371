from django.db import migrations, models

import mppdesk.places.models


class Migration(migrations.Migration):
    dependencies = [("places", "0002_seed_reference_places")]

    operations = [
        migrations.AddField(
            model_name="venue",
            name="timezone",
            field=models.CharField(
                default="America/Chicago",
                help_text="IANA time zone of the court, e.g. America/Denver.",
                max_length=64,
                validators=[mppdesk.places.models.validate_timezone],
                verbose_name="time zone",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="port",
            name="hourly_capacity",
            field=models.PositiveIntegerField(
                default=60,
                help_text="For MPP reporting; an estimate to adjust locally.",
                verbose_name="people processed per hour",
            ),
        ),
        migrations.AddField(
            model_name="port",
            name="report_place",
            field=models.CharField(
                blank=True,
                help_text="Where people present themselves on the hearing day. Empty: the port's pedestrian entrance.",
                max_length=200,
                verbose_name="reporting place",
            ),
        ),
        migrations.AddField(
            model_name="port",
            name="report_place_source",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="reporting place source"
            ),
        ),
        migrations.AddField(
            model_name="port",
            name="report_lead_minutes",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="reporting lead (minutes)"
            ),
        ),
    ]
