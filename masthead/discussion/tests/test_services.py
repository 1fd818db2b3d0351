from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion import services
from masthead.discussion.models import COMMENT_EDIT_WINDOW, COMMENT_MAX_LENGTH, Comment
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


def numbers(story: Story) -> list[str]:
    return [c.number for c in Comment.objects.filter(story=story).order_by("thread", "position")]


def test_threads_and_positions_are_numbered_like_the_reference_page(
    story: Story, member: Any, other_member: Any
) -> None:
    first, created = services.comment_create(actor=member, story=story, body="First")
    assert created and first.number == "No. 1-1"
    second, _ = services.comment_create(actor=other_member, story=story, body="Second thread")
    reply, _ = services.comment_create(actor=other_member, story=story, body="Re", parent=first)
    reply_to_reply, _ = services.comment_create(
        actor=member, story=story, body="Re re", parent=reply
    )
    reply_in_second, _ = services.comment_create(actor=member, story=story, body="x", parent=second)
    assert [second.number, reply.number, reply_to_reply.number, reply_in_second.number] == [
        "No. 2-1",
        "No. 1-2",
        "No. 1-3",
        "No. 2-2",
    ]
    story.refresh_from_db()
    assert story.comment_count == 5
    assert story.thread_count == 2


def test_numbers_are_never_reused_after_deletion_or_hiding(
    story: Story, member: Any, curator: Any
) -> None:
    first, _ = services.comment_create(actor=member, story=story, body="One")
    reply, _ = services.comment_create(actor=member, story=story, body="Two", parent=first)
    services.comment_delete(actor=member, comment=reply)
    services.comment_hide(actor=curator, comment=first)
    second, _ = services.comment_create(actor=member, story=story, body="Three")
    assert second.number == "No. 2-1"
    services.comment_restore(actor=curator, comment=first)
    third, _ = services.comment_create(actor=member, story=story, body="Four", parent=first)
    assert third.number == "No. 1-3"
    story.refresh_from_db()
    assert story.comment_count == 3  # the deleted reply no longer counts


def test_delete_leaves_a_tombstone_with_its_number(story: Story, member: Any) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Regret this")
    services.comment_delete(actor=member, comment=comment)
    comment.refresh_from_db()
    assert comment.is_deleted
    assert comment.body_source == "" and comment.body_html == ""
    assert comment.number == "No. 1-1"


def test_only_the_author_deletes(story: Story, member: Any, other_member: Any) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Mine")
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=other_member, comment=comment)


def test_same_client_token_posts_once(story: Story, member: Any) -> None:
    first, created = services.comment_create(
        actor=member, story=story, body="Once", client_token="tok-1"
    )
    again, created_again = services.comment_create(
        actor=member, story=story, body="Once", client_token="tok-1"
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   \n\t ", "\u200b\u200b"])
def test_empty_comment_is_refused(story: Story, member: Any, body: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.comment_create(actor=member, story=story, body=body)
    assert "body" in error.value.message_dict
    assert Comment.objects.count() == 0


def test_oversized_comment_is_refused_with_its_length(story: Story, member: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.comment_create(actor=member, story=story, body="x" * (COMMENT_MAX_LENGTH + 1))
    assert str(COMMENT_MAX_LENGTH + 1) in error.value.message_dict["body"][0]


def test_comments_render_markdown_subset_and_drop_html(story: Story, member: Any) -> None:
    comment, _ = services.comment_create(
        actor=member,
        story=story,
        body="**Bold** and <script>alert(1)</script> [x](javascript:alert(1)) https://ex.test/a",
    )
    assert "<strong>Bold</strong>" in comment.body_html
    assert "<script" not in comment.body_html
    assert "javascript:" not in comment.body_html.replace("[x](javascript:alert(1))", "")
    assert 'href="https://ex.test/a"' in comment.body_html
    assert 'rel="nofollow ugc noopener noreferrer"' in comment.body_html


def test_the_author_edits_within_the_window_and_moderators_never_do(
    story: Story, member: Any, curator: Any
) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Typo")
    edited = services.comment_edit(actor=member, comment=comment, body="Fixed")
    assert edited.body_source == "Fixed" and edited.edited_at is not None
    with pytest.raises(PermissionDenied):  # moderators hide or remove, never rewrite
        services.comment_edit(actor=curator, comment=comment, body="Moderator's words")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - COMMENT_EDIT_WINDOW - dt.timedelta(seconds=1)
    )
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="15 minutes"):
        services.comment_edit(actor=member, comment=comment, body="Too late")
    comment.refresh_from_db()
    assert comment.body_source == "Fixed"


def test_others_cannot_edit(story: Story, member: Any, other_member: Any) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Mine")
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=other_member, comment=comment, body="Yours now")


def test_only_channel_curators_hide_and_restore(
    story: Story, member: Any, other_member: Any, curator: Any
) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Rude")
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=other_member, comment=comment)
    other_channel_curator = MemberFactory(handle="elsewhere")
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import role_grant
    from masthead.channels.tests.factories import ChannelFactory

    role_grant(
        actor=None,
        channel=ChannelFactory(),
        user=other_channel_curator,
        role=ChannelRole.Role.CURATOR,
    )
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=other_channel_curator, comment=comment)
    comment = services.comment_hide(actor=curator, comment=comment)
    assert comment.status == Comment.Status.HIDDEN
    story.refresh_from_db()
    assert story.comment_count == 0
    comment = services.comment_restore(actor=curator, comment=comment)
    story.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE and story.comment_count == 1


def test_cannot_comment_on_closed_draft_or_withdrawn_story(story: Story, member: Any) -> None:
    story.comments_open = False
    story.save()
    with pytest.raises(PermissionDenied, match="closed"):
        services.comment_create(actor=member, story=story, body="Hi")
    story.comments_open = True
    story.status = Story.Status.DRAFT
    story.save()
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=member, story=story, body="Hi")


def test_member_without_profile_cannot_comment(story: Story) -> None:
    from masthead.accounts.models import User

    bare = User.objects.create_user(email="bare@example.test", password="x")
    with pytest.raises(PermissionDenied, match="handle"):
        services.comment_create(actor=bare, story=story, body="Hi")


def test_reply_must_be_on_the_same_story(story: Story, member: Any, section: Any) -> None:
    from masthead.stories.tests.factories import StoryFactory

    elsewhere = StoryFactory(section=section)
    foreign, _ = services.comment_create(actor=member, story=elsewhere, body="There")
    with pytest.raises(ValidationError):
        services.comment_create(actor=member, story=story, body="Here", parent=foreign)


def test_reporting_once_per_member(story: Story, member: Any, other_member: Any) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Spam?")
    services.comment_report(actor=other_member, comment=comment, reason="spam")
    services.comment_report(actor=other_member, comment=comment, reason="abuse")
    assert comment.reports.count() == 1
    assert comment.reports.get().reason == "abuse"
    with pytest.raises(ValidationError):
        services.comment_report(actor=member, comment=comment, reason="spam")
    with pytest.raises(ValidationError):
        services.comment_report(actor=other_member, comment=comment, reason="other", note=" ")
