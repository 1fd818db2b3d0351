"""Log entries written before they pointed at their story and comment get the links from the
address they kept (``/<channel>/<section>/<slug>-<public id>/#comment-<thread>-<position>``),
so one comment's history includes what was done to it before the upgrade."""

import re

from django.db import migrations

from masthead.core import public_id

ADDRESS = re.compile(r"-(?P<key>[A-Za-z0-9_-]{22})/(?:#comment-(?P<thread>\d+)-(?P<position>\d+))?$")


def link(apps, schema_editor):
    LogEntry = apps.get_model("moderation", "LogEntry")
    Story = apps.get_model("stories", "Story")
    Comment = apps.get_model("discussion", "Comment")
    entries = LogEntry._base_manager.filter(story__isnull=True).exclude(target_url="")
    for entry in entries.only("id", "target_url").iterator(chunk_size=1000):
        found = ADDRESS.search(entry.target_url)
        uuid = public_id.decode(found["key"]) if found else None
        story = Story.objects.filter(public_id=uuid).only("id").first() if uuid else None
        if story is None:
            continue
        comment = None
        if found["thread"]:
            comment = (
                Comment.objects.filter(
                    story=story, thread=int(found["thread"]), position=int(found["position"])
                )
                .only("id")
                .first()
            )
        # The log refuses updates through its own manager; this is its one repair.
        LogEntry._base_manager.filter(pk=entry.pk).update(
            story_id=story.pk, comment_id=comment.pk if comment else None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_log_entry_story_and_comment"),
        ("stories", "0003_story_original_published_at"),
        ("discussion", "0004_queue_index"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
