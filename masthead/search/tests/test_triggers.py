"""The database triggers that mark stories for the index and keep the search facts exist after
``migrate``. On SQLite a migration that rebuilds ``stories_story`` (any AddField or AlterField
Django cannot do in place) drops the triggers on it with the old table: such a migration must
create them again, and this test is what notices when one does not."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

ON_STORIES = {
    "sqlite": {
        "search_story_insert",
        "search_story_update",
        "search_facts_insert",
        "search_facts_update",
        "search_facts_delete",
    },
    "postgresql": {"search_story_insert", "search_story_update", "search_facts"},
}


def _triggers() -> dict[str, set[str]]:
    """Trigger names by the table they are on."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT event_object_table, trigger_name FROM information_schema.triggers"
            )
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


def test_the_index_triggers_are_on_the_tables_they_follow() -> None:
    found = _triggers()
    assert ON_STORIES[connection.vendor] <= found.get("stories_story", set())
    assert "search_channel_update" in found.get("channels_channel", set())
    assert "search_section_update" in found.get("channels_section", set())
    assert "search_source_update" in found.get("stories_source", set())
