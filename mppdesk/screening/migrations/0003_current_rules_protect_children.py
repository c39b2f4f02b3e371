"""The stored "current" rules get the rules added for issue 11 ("Do no harm").

- The protected rules (unaccompanied children, an age that cannot be checked, a positive
  fear interview, a fear interview still pending) can no longer be turned off: they are
  put back if an administrator had turned them off, so that the edited rules still load
  (a rule set without them is refused).
- The new review rules (no date of birth, no language, a disability) start in force, as
  in 2019 and 2021; an administrator may turn off the last two.
"""

from django.db import migrations

PROTECTED = ["age_unknown", "fear", "fear_interview_pending", "unaccompanied_child"]
NEW_REVIEW = ["age_unknown", "disability", "language_unknown"]


def add_rules(apps, schema_editor):
    GuidanceVersion = apps.get_model("screening", "GuidanceVersion")
    for row in GuidanceVersion.objects.filter(code="current"):
        if not row.rules:
            continue  # an empty row reads as the copy of 2021, which has them
        enabled = row.rules.get("enabled")
        if not isinstance(enabled, list):
            continue  # an unreadable row falls back to the copy of 2021 (services.ruleset)
        row.rules = {**row.rules, "enabled": sorted({*enabled, *PROTECTED, *NEW_REVIEW})}
        row.save(update_fields=["rules"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_seed_versions")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
