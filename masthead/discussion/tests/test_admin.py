"""Comments and reports in the admin are there to read. Their numbers, the story's counts,
their status and their words are kept by discussion.services and the moderation queue (which
logs each decision); a row saved or deleted from the admin would skip all of that, and a
moderator does not rewrite a member's words (docs/decisions/0009-moderators-do-not-edit.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion import services
from masthead.discussion.models import Comment, CommentReport
from masthead.moderation.models import LogEntry
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db: Any) -> Client:
    admin = MemberFactory(handle="site_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def thread(story: Story, member: Any, other_member: Any) -> tuple[Comment, Comment]:
    opening, _created = services.comment_create(actor=member, story=story, body="First, then.")
    reply, _created = services.comment_create(
        actor=other_member, story=story, body="A reply.", parent=opening
    )
    return opening, reply


def comment_form(comment: Comment, **changes: Any) -> dict[str, Any]:
    """What the admin's change form held for the comment, with ``changes``."""
    data = {
        "story": comment.story_id,
        "author": comment.author_id,
        "parent": comment.parent_id or "",
        "body_source": comment.body_source,
        "status": comment.status,
        "removed_reason": comment.removed_reason,
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0",
        "reports-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def row(comment: Comment) -> tuple[Any, ...]:
    fields = ("status", "body_source", "body_html", "thread", "position", "thread_size")
    return tuple(Comment.objects.filter(pk=comment.pk).values_list(*fields).get())


def test_a_comment_in_the_admin_is_shown_and_not_changed(
    admin_client: Client, story: Story, thread: tuple[Comment, Comment]
) -> None:
    opening, reply = thread
    url = f"/admin/discussion/comment/{opening.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "First, then." in page.content.decode()
    before = row(opening)
    count = Story.objects.get(pk=story.pk).comment_count

    hidden = admin_client.post(url, comment_form(opening, status=Comment.Status.HIDDEN))
    rewritten = admin_client.post(url, comment_form(opening, body_source="The admin's words."))
    assert (hidden.status_code, rewritten.status_code) == (403, 403)
    assert row(opening) == before
    assert Story.objects.get(pk=story.pk).comment_count == count == 2
    assert not LogEntry.objects.exists()

    # The thread's numbering is the services' alone: the next reply takes the next number.
    third, _created = services.comment_create(
        actor=opening.author, story=story, body="And a third.", parent=reply
    )
    assert (third.thread, third.position) == (1, 3)


def test_comments_are_neither_added_nor_deleted_in_the_admin(
    admin_client: Client, thread: tuple[Comment, Comment]
) -> None:
    opening, reply = thread
    assert admin_client.get("/admin/discussion/comment/add/").status_code == 403
    deleted = admin_client.post(f"/admin/discussion/comment/{reply.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    in_bulk = admin_client.post(
        "/admin/discussion/comment/",
        {"action": "delete_selected", "_selected_action": [opening.pk, reply.pk], "post": "yes"},
    )
    assert in_bulk.status_code in {200, 302}  # "no action selected": there is none
    assert Comment.objects.count() == 2


def test_a_report_in_the_admin_is_shown_and_not_changed(
    admin_client: Client, thread: tuple[Comment, Comment], member: Any
) -> None:
    _opening, reply = thread
    report = services.comment_report(actor=member, comment=reply, reason="spam", note="Ads.")
    url = f"/admin/discussion/commentreport/{report.pk}/change/"
    assert admin_client.get(url).status_code == 200
    resolved = admin_client.post(
        url,
        {
            "comment": reply.pk,
            "reporter": member.pk,
            "reason": "abuse",
            "note": "Changed by the admin.",
            "resolved_at_0": "2026-01-01",
            "resolved_at_1": "10:00:00",
        },
    )
    deleted = admin_client.post(
        f"/admin/discussion/commentreport/{report.pk}/delete/", {"post": "yes"}
    )
    assert (resolved.status_code, deleted.status_code) == (403, 403)
    report = CommentReport.objects.get(pk=report.pk)
    assert (report.reason, report.note, report.resolved_at) == ("spam", "Ads.", None)
    assert Comment.objects.get(pk=reply.pk).open_reports == 1
