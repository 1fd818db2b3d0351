"""A reply or a mention reaches the member once in their inbox and once by e-mail, after the
comment's transaction commits; never their own comments, never twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion import services as discussion
from masthead.moderation import services as moderation
from masthead.notifications import services
from masthead.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_reply_arrives_once_in_the_inbox_and_once_by_email(
    story: Any,
    member: Any,
    other_member: Any,
    member_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, _ = discussion.comment_create(actor=member, story=story, body="My opening")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply, _ = discussion.comment_create(
            actor=other_member, story=story, body="A thoughtful reply", parent=first
        )
    assert Notification.objects.filter(recipient=member, kind="reply").count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email] and "replied to your comment" in message.subject
    assert "A thoughtful reply" in message.body and reply.anchor in message.body
    assert services.notify_for_comment(reply.pk) == 0  # processed again: nothing twice
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1

    page = member_client.get(story.get_absolute_url()).content.decode()
    assert "Inbox" in page and "(1" in page
    inbox = member_client.get(reverse("notifications:inbox")).content.decode()
    assert "A thoughtful reply" in inbox and "New" in inbox
    assert services.unread_count(member) == 1  # looking marks nothing read


def test_mentions_and_no_self_notification(
    story: Any, member: Any, other_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    third = MemberFactory(handle="thirdparty")
    with django_capture_on_commit_callbacks(execute=True):
        mine, _ = discussion.comment_create(actor=member, story=story, body="Opening")
        discussion.comment_create(
            actor=member,
            story=story,
            body=f"Replying to myself, and asking @{third.profile.handle.upper()} and "
            f"@{member.profile.handle} (me) and me@example.test",
            parent=mine,
        )
    kinds = list(Notification.objects.values_list("recipient__profile__handle", "kind"))
    assert kinds == [("thirdparty", "mention")]


def test_a_held_comment_notifies_when_approved(
    story: Any,
    member: Any,
    other_member: Any,
    curator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, _ = discussion.comment_create(actor=member, story=story, body="Opening")
    moderation.rules_update(actor=curator, channel=story.channel, premoderation="all")
    with django_capture_on_commit_callbacks(execute=True):
        held, _ = discussion.comment_create(
            actor=other_member, story=story, body="Held reply", parent=first
        )
    assert not Notification.objects.exists()  # nobody hears of a comment readers cannot see
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_approve(actor=curator, comment=held)
    assert Notification.objects.filter(recipient=member).count() == 1


def test_the_inbox_needs_a_member(client: Client) -> None:
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_only_replies_and_mentions_queue_a_task(
    settings: Any, story: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        opening, _ = discussion.comment_create(actor=member, story=story, body="Nobody named")
    assert DBTaskResult.objects.count() == 0  # a new thread naming nobody concerns nobody
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_create(actor=member, story=story, body="Re", parent=opening)
        discussion.comment_create(actor=member, story=story, body="Ask @someone here")
    assert DBTaskResult.objects.count() == 2


def test_mark_all_read_marks_what_the_inbox_showed_and_nothing_newer(
    story: Any, member: Any, other_member: Any, member_client: Client
) -> None:
    opening, _ = discussion.comment_create(actor=member, story=story, body="Opening")
    for n in range(2):
        reply, _ = discussion.comment_create(
            actor=other_member, story=story, body=f"Reply {n}", parent=opening
        )
        services.notify_for_comment(reply.pk)
    page = member_client.get(reverse("notifications:inbox")).content.decode()
    assert "Mark all 2 new read" in page and services.unread_count(member) == 2
    shown = max(Notification.objects.filter(recipient=member).values_list("pk", flat=True))
    # A reply arrives after the page was rendered: marking what was shown leaves it new.
    late, _ = discussion.comment_create(
        actor=other_member, story=story, body="Late reply", parent=opening
    )
    services.notify_for_comment(late.pk)
    answer = member_client.post(reverse("notifications:read"), {"up_to": shown})
    assert answer.status_code == 302 and services.unread_count(member) == 1
    # Again from a stale tab: nothing more is marked, nothing fails.
    assert services.mark_read(member, up_to=shown) == 0
    assert services.unread_count(member) == 1
    unread = Notification.objects.get(recipient=member, read_at__isnull=True)
    assert unread.comment_id == late.pk
    # A GET of the read address writes nothing.
    assert member_client.get(reverse("notifications:read")).status_code == 405
