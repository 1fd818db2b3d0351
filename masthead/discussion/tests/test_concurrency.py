"""Numbers stay unique and nothing is lost when many members post at once.

Runs with real transactions and one database connection per thread, on SQLite (WAL, immediate
transactions) and on PostgreSQL (row lock on the story).
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create
from masthead.stories.tests.factories import StoryFactory

POSTS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_posts_get_fifty_unique_numbers(section: Any) -> None:
    story = StoryFactory(section=section)
    members = [MemberFactory() for _ in range(5)]
    opening, _ = comment_create(actor=members[0], story=story, body="Opening comment")
    barrier = threading.Barrier(POSTS)

    def post(index: int) -> str:
        try:
            barrier.wait(timeout=30)
            parent = opening if index % 2 else None  # half replies to thread 1, half new threads
            comment, created = comment_create(
                actor=members[index % 5], story=story, body=f"Post {index}", parent=parent
            )
            assert created
            return comment.number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=POSTS) as pool:
        results = list(pool.map(post, range(POSTS)))

    assert len(results) == POSTS
    assert len(set(results)) == POSTS
    stored = list(Comment.objects.filter(story=story).values_list("thread", "position"))
    assert len(stored) == POSTS + 1
    assert len(set(stored)) == POSTS + 1
    threads = Counter(thread for thread, _ in stored)
    # 25 new threads numbered 2..26 with no gaps; thread 1 holds the opening and 25 replies.
    assert sorted(threads) == list(range(1, 27))
    assert sorted(p for t, p in stored if t == 1) == list(range(1, 27))
    story.refresh_from_db()
    assert story.comment_count == POSTS + 1
    assert story.thread_count == 26
    assert sorted(
        Comment.objects.filter(story=story).values_list("body_source", flat=True)
    ) == sorted(["Opening comment"] + [f"Post {i}" for i in range(POSTS)])
