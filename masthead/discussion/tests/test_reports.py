"""Reports: however many members report a comment, at once, it is one entry in the queue."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion.models import Comment, CommentReport
from masthead.discussion.services import comment_approve, comment_create, comment_report
from masthead.stories.tests.factories import StoryFactory

REPORTERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_reports_make_one_queue_entry(section: Any) -> None:
    story = StoryFactory(section=section)
    author = MemberFactory()
    comment, _ = comment_create(actor=author, story=story, body="Contentious")
    reporters = [MemberFactory() for _ in range(REPORTERS)]
    barrier = threading.Barrier(REPORTERS)

    def report(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            comment_report(actor=reporters[index], comment=comment, reason="abuse")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=REPORTERS) as pool:
        list(pool.map(report, range(REPORTERS)))

    queued = Comment.objects.filter(story=story, open_reports__gt=0)
    assert queued.count() == 1
    assert queued.get().open_reports == REPORTERS
    assert CommentReport.objects.filter(comment=comment).count() == REPORTERS

    moderator = MemberFactory()
    moderator.is_site_moderator = True
    moderator.save()
    comment_approve(actor=moderator, comment=Comment.objects.get(pk=comment.pk))
    assert not Comment.objects.filter(open_reports__gt=0).exists()
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()
    # A member reporting again after the decision opens a new entry.
    comment_report(actor=reporters[0], comment=comment, reason="spam")
    assert Comment.objects.get(pk=comment.pk).open_reports == 1
