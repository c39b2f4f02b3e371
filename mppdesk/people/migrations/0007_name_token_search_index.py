# The search index covers the person too (index-only lookups of who has a token);
# built before the old one is dropped. At 1,000,000 people: docs/benchmarks.md.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_name_prefix_tokens'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='personnametoken',
            index=models.Index(fields=['bidx', 'person'], name='person_name_token_search'),
        ),
        migrations.RemoveIndex(
            model_name='personnametoken',
            name='person_name_token_bidx',
        ),
    ]
