"""Seeds the three guidance versions; "current" starts as a copy of the 2021 rules."""

import datetime as dt

from django.db import migrations

RULES_2021 = {
    "enabled": [
        "criminal_history",
        "elderly",
        "expedited_removal",
        "fear",
        "fear_interview_pending",
        "fear_question_not_asked",
        "government_interest",
        "health",
        "indigenous",
        "lgbtq",
        "lpr",
        "mexican_national",
        "nationality_unknown",
        "not_western_hemisphere",
        "parole",
        "port_director_discretion",
        "pregnant",
        "unaccompanied_child",
    ],
    "elderly_age": 65,
    "health_vulnerabilities": ["medical", "mental_health"],
    "fear_requires_volunteered": False,
    "fear_standard": "reasonable_possibility",
    "counsel_hours": 24,
}

VERSIONS = [
    # program_rules.md: CBP guidance 2019-01-28; MPP 2.0 re-implementation 2021-12-06.
    ("2019", "2019 CBP guiding principles", dt.date(2019, 1, 28), {}),
    ("2021", "2021 guidance (MPP 2.0)", dt.date(2021, 12, 6), {}),
    ("current", "Current rules", None, RULES_2021),
]


def seed(apps, schema_editor):
    GuidanceVersion = apps.get_model("screening", "GuidanceVersion")
    for code, name, effective_from, rules in VERSIONS:
        GuidanceVersion.objects.update_or_create(
            code=code,
            defaults={"name": name, "effective_from": effective_from, "rules": rules},
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
