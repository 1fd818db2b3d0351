# Feed entries by (feed address, GUID), and items identified by their URL only where it names
# one article (docs/decisions/0011-feed-items.md). A GUID names an entry only within its feed:
# the entries the installation knows are carried over into FeedEntry from the feeds whose
# candidates brought them; 0003 then drops Item.guid (in a migration of its own: PostgreSQL
# refuses to alter a table with row changes of the same transaction pending).

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def entries_from_guids(apps, schema_editor):
    Candidate = apps.get_model("ingest", "Candidate")
    FeedEntry = apps.get_model("ingest", "FeedEntry")
    Item = apps.get_model("ingest", "Item")
    Item.objects.filter(url__startswith="urn:").update(url_identifies=False)
    pairs = (
        Candidate.objects.filter(feed__isnull=False)
        .exclude(item__guid="")
        .values_list("feed__url", "item__guid", "item_id")
        .distinct()
        .iterator()
    )
    batch = []
    for feed_url, guid, item_id in pairs:
        key = hashlib.sha256(f"{feed_url}\n{guid}".encode()).hexdigest()
        batch.append(FeedEntry(key=key, feed_url=feed_url, guid=guid, item_id=item_id))
        if len(batch) >= 1000:
            FeedEntry.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    FeedEntry.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='FeedEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True)),
                ('feed_url', models.URLField(max_length=2000)),
                ('guid', models.CharField(max_length=500)),
                ('first_seen_at', models.DateTimeField(auto_now_add=True)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='ingest.item')),
            ],
            options={
                'verbose_name_plural': 'feed entries',
            },
        ),
        migrations.AddField(
            model_name='item',
            name='url_identifies',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='feed',
            name='last_warning',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(entries_from_guids, migrations.RunPython.noop),
    ]
