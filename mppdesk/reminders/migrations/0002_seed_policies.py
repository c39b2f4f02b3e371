"""Seed one reminder policy per program version with the default rules.

The rules are copied here (not imported) so that this migration means the same thing
whatever later code says the defaults are.
"""

import datetime as dt

from django.db import migrations

RULES = [
    {"code": "notice", "template": "hearing_notice", "days_before": None, "at": None},
    {"code": "7d", "template": "reminder", "days_before": 7, "at": "10:00"},
    {"code": "2d", "template": "reminder", "days_before": 2, "at": "10:00"},
    {"code": "evening", "template": "reporting_instructions", "days_before": 1, "at": "19:00"},
]
VERSIONS = ("2019", "2021", "current")


def seed(apps, schema_editor):
    ReminderPolicy = apps.get_model("reminders", "ReminderPolicy")
    for version in VERSIONS:
        ReminderPolicy.objects.get_or_create(
            program_version=version,
            defaults={"rules": RULES, "quiet_start": dt.time(21), "quiet_end": dt.time(8)},
        )


def unseed(apps, schema_editor):
    apps.get_model("reminders", "ReminderPolicy").objects.filter(
        program_version__in=VERSIONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
