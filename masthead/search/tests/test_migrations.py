"""Taking the search index's migrations back leaves what the earlier code reads: on
PostgreSQL, 0004 moved the vectors from the documents to the facts, and its reverse gives the
documents theirs again, computed, with their index."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from masthead.search.index import index_pending
from masthead.stories.services import story_create, story_publish

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="0004 changes PostgreSQL only"),
]

BEFORE_VECTORS_MOVED = [("search", "0003_story_facts")]


def _documents_vector() -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'search_document' AND column_name = 'vector'"
        )
        column = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_document_vector'")
        index = cursor.fetchone()
        found = None
        if column:
            cursor.execute(
                "SELECT count(*) FROM search_document "
                "WHERE vector @@ plainto_tsquery('english', 'ferries')"
            )
            found = cursor.fetchone()[0]
    return (column[0] if column else None, bool(index), found)


def test_0004_taken_back_gives_the_documents_their_vector_again(section: Any) -> None:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline="Night ferry returns",
        body="<p>The ferry sails again.</p>",
    )
    story_publish(actor=None, story=story)
    index_pending()
    assert _documents_vector() == (None, False, None)  # moved to search_story
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("search")
    try:
        executor.migrate(BEFORE_VECTORS_MOVED)
        assert _documents_vector() == ("ALWAYS", True, 1)  # computed for the document there
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert _documents_vector() == (None, False, None)
