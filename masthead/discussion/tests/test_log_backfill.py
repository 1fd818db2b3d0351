"""The upgrade that gave log entries their story and comment links fills them in for the
entries written before it, from the address each kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from masthead.discussion import services
from masthead.moderation.models import LogEntry
from masthead.stories.models import Story

BEFORE = [("moderation", "0003_log_entry_story_and_comment")]
AFTER = [("moderation", "0004_backfill_log_links")]


@pytest.mark.django_db(transaction=True)
def test_entries_from_before_the_upgrade_find_their_comment(
    story: Story, member: Any, curator: Any
) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Hide me")
    services.comment_hide(actor=curator, comment=comment)
    services.story_comments_close(actor=curator, story=story)
    entries = LogEntry.objects.order_by("id")
    # What the entries looked like before the upgrade: the address, no links.
    LogEntry._base_manager.update(story=None, comment=None)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    hide, close = entries.filter(action__in=["hide", "close comments"]).order_by("id")
    assert (hide.story_id, hide.comment_id) == (story.pk, comment.pk)
    assert (close.story_id, close.comment_id) == (story.pk, None)
