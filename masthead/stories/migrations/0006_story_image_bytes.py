from django.db import migrations, models


def measure_photos(apps, schema_editor):
    """Stories stored before the size was kept: ask the storage once, here, rather than on
    every render of a feed. A file the storage cannot find, or whose stored name it refuses,
    keeps no size. Run outside a transaction (``atomic=False``): a remote storage answers over
    the network, and each row is its own update."""
    Story = apps.get_model("stories", "Story")
    storage = Story._meta.get_field("image").storage
    for story in Story.objects.exclude(image="").only("pk", "image").iterator():
        try:
            size = storage.size(story.image.name)
        except (OSError, ValueError):  # SuspiciousFileOperation is a ValueError
            continue
        Story.objects.filter(pk=story.pk).update(image_bytes=size)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_ranking_and_pins"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="image_bytes",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(
            measure_photos, migrations.RunPython.noop, elidable=True, atomic=False
        ),
    ]
