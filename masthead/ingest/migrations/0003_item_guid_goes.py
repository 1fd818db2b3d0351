# Item.guid goes and an item's URL is unique only where it identifies the item; 0002 carried
# the GUIDs over into FeedEntry.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0002_feed_entries_and_item_identity'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='item',
            name='guid',
        ),
        migrations.AlterField(
            model_name='item',
            name='url',
            field=models.URLField(db_index=True, max_length=2000),
        ),
        migrations.AddConstraint(
            model_name='item',
            constraint=models.UniqueConstraint(condition=models.Q(('url_identifies', True)), fields=('url',), name='item_once_per_url'),
        ),
    ]
