"""A comment's author hears that a moderator approved it after review, featured it, or
removed it (with the reason), once, after the moderator's transaction commits; never of a
hide, of the end of their shadow ban, or of a decision undone before the notice went out."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from masthead.discussion import services as discussion
from masthead.moderation import services as moderation
from masthead.notifications import services
from masthead.notifications.models import Notification

pytestmark = pytest.mark.django_db


def kinds_for(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_approval_after_review_reaches_the_inbox_only_by_default(
    story: Any, member: Any, curator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    moderation.rules_update(actor=curator, channel=story.channel, premoderation="all")
    held, _ = discussion.comment_create(actor=member, story=story, body="Held for review")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_approve(actor=curator, comment=held)
    assert kinds_for(member) == ["approved"]
    assert mail.outbox == []  # an approval is inbox-only unless the member asks for e-mail
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_hide(actor=curator, comment=held)
        discussion.comment_restore(actor=curator, comment=held)
    assert kinds_for(member) == ["approved"]  # a hide and a restore tell nobody


def test_a_shadow_banned_members_approved_comment_tells_them_nothing(
    story: Any, member: Any, curator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    moderation.ban_create(
        actor=curator, user=member, channel=story.channel, kind="shadow", reason="Spam"
    )
    shadowed, _ = discussion.comment_create(actor=member, story=story, body="Buy now")
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_approve(actor=curator, comment=shadowed)
    assert kinds_for(member) == []  # they saw it as published all along


def test_featured_once_by_email_however_often_featured(
    story: Any, member: Any, curator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    comment, _ = discussion.comment_create(actor=member, story=story, body="A fine point")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_feature(actor=curator, comment=comment)
        discussion.comment_feature(actor=curator, comment=comment, featured=False)
        discussion.comment_feature(actor=curator, comment=comment)
    assert kinds_for(member) == ["featured"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email] and "Your comment was featured" in message.subject
    assert "A fine point" in message.body and comment.anchor in message.body


def test_removal_says_why_and_an_undone_removal_says_nothing(
    story: Any,
    member: Any,
    curator: Any,
    member_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    comment, _ = discussion.comment_create(actor=member, story=story, body="Off the rails")
    kept, _ = discussion.comment_create(actor=member, story=story, body="Second thoughts")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_remove(actor=curator, comment=comment, reason="Personal attack")
    assert kinds_for(member) == ["removed"]
    assert "Personal attack" in mail.outbox[0].body
    inbox = member_client.get(reverse("notifications:inbox")).content.decode()
    assert "Your comment was removed" in inbox and "Personal attack" in inbox

    # The task runs after the moderator has already restored the comment: no notice.
    discussion.comment_remove(actor=curator, comment=kept, reason="Mistake")
    discussion.comment_restore(actor=curator, comment=kept)
    assert services.notify_for_moderation(kept.pk, "removed") == 0
    assert kinds_for(member) == ["removed"] and len(mail.outbox) == 1


def test_a_notice_run_twice_is_delivered_once(
    story: Any, member: Any, curator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A reclaimed task runs again (core/worker/leases.py): the member hears once."""
    comment, _ = discussion.comment_create(actor=member, story=story, body="Off the rails")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_remove(actor=curator, comment=comment, reason="Personal attack")
    assert services.notify_for_moderation(comment.pk, "removed") == 0
    assert kinds_for(member) == ["removed"] and len(mail.outbox) == 1


def test_an_unknown_notice_is_refused(story: Any, member: Any) -> None:
    comment, _ = discussion.comment_create(actor=member, story=story, body="Hello")
    with pytest.raises(ValueError, match="not a moderation notice"):
        services.notify_for_moderation(comment.pk, "hidden")
