"""Every write to a comment called twice with instances loaded before either ran: a double
click without JavaScript, or two moderators on one comment at once. The services re-read the
comment under a lock, so the end state is what one call would leave, and counts stay true.

Also the rules that must hold however a request reaches them: an edit is screened like a new
comment; a reaction or report finds the comment as it is now.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.discussion import services
from masthead.discussion.models import Comment, CommentReport, Reaction
from masthead.moderation import services as moderation
from masthead.moderation.models import ChannelRules, LogEntry
from masthead.stories.models import Story
from masthead.stories.services import story_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderators(channel: Any) -> tuple[Any, Any]:
    first = MemberFactory(handle="mod_first")
    second = MemberFactory(handle="mod_second")
    for user in (first, second):
        role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.MODERATOR)
        user.refresh_from_db()
    return first, second


def post(member: Any, story: Story, body: str = "A fair point about the ferry.") -> Comment:
    comment, _created = services.comment_create(actor=member, story=story, body=body)
    return comment


def stale(comment: Comment, copies: int = 2) -> list[Comment]:
    """Instances of the comment as a view would have loaded them, before any write below."""
    return [
        Comment.objects.select_related("story__channel").get(pk=comment.pk) for _ in range(copies)
    ]


def count_of(story: Story) -> int:
    story.refresh_from_db(fields=["comment_count"])
    return story.comment_count


def log_actions(comment: Comment) -> list[str]:
    return list(
        LogEntry.objects.filter(comment_id=comment.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_deleting_twice_counts_once(story: Story, member: Any, other_member: Any) -> None:
    post(other_member, story)
    comment = post(member, story)
    first, second = stale(comment)
    services.comment_delete(actor=member, comment=first)
    services.comment_delete(actor=member, comment=second)
    assert count_of(story) == 1


def test_a_hide_and_a_remove_at_once_count_once(
    story: Story, member: Any, other_member: Any, moderators: tuple[Any, Any]
) -> None:
    post(other_member, story)
    comment = post(member, story)
    for_first, for_second = stale(comment)
    services.comment_hide(actor=moderators[0], comment=for_first)
    services.comment_remove(actor=moderators[1], comment=for_second, reason="Off topic")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED and comment.removed_reason == "Off topic"
    assert count_of(story) == 1
    assert log_actions(comment) == ["hide", "remove"]


@pytest.mark.parametrize("action", ["hide", "restore", "approve", "feature", "lock"])
def test_each_moderators_action_twice_acts_once(
    action: str, story: Story, member: Any, other_member: Any, moderators: tuple[Any, Any]
) -> None:
    post(other_member, story)
    if action == "approve":
        moderation.rules_update(
            actor=moderators[0], channel=story.channel, premoderation=ChannelRules.Premoderation.ALL
        )
    comment = post(member, story)
    if action == "restore":
        services.comment_hide(actor=moderators[0], comment=comment)
    counted_before = count_of(story)
    act = {
        "hide": services.comment_hide,
        "restore": services.comment_restore,
        "approve": services.comment_approve,
        "feature": services.comment_feature,
        "lock": services.thread_lock,
    }[action]
    for instance, moderator in zip(stale(comment), moderators, strict=True):
        act(actor=moderator, comment=instance)
    expected_delta = {"hide": -1, "restore": 1, "approve": 1}.get(action, 0)
    assert count_of(story) == counted_before + expected_delta
    logged = {"lock": "lock thread"}.get(action, action)
    assert log_actions(comment).count(logged) == 1


def test_removing_twice_with_the_same_reason_logs_once_and_a_new_reason_is_logged(
    story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    comment = post(member, story)
    first, second, third = stale(comment, 3)
    services.comment_remove(actor=moderators[0], comment=first, reason="Spam")
    services.comment_remove(actor=moderators[0], comment=second, reason="Spam")
    services.comment_remove(actor=moderators[1], comment=third, reason="Advertising")
    comment.refresh_from_db()
    assert comment.removed_reason == "Advertising"
    assert log_actions(comment) == ["remove", "remove"]


def test_a_hidden_comment_cannot_be_featured_from_a_stale_page(
    story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    comment = post(member, story)
    to_hide, to_feature = stale(comment)
    services.comment_hide(actor=moderators[0], comment=to_hide)
    with pytest.raises(ValidationError):
        services.comment_feature(actor=moderators[1], comment=to_feature)
    comment.refresh_from_db()
    assert not comment.featured


def test_reporting_twice_opens_one_report(story: Story, member: Any, other_member: Any) -> None:
    comment = post(member, story)
    for instance in stale(comment):
        services.comment_report(actor=other_member, comment=instance, reason="spam")
    comment.refresh_from_db()
    assert comment.open_reports == 1
    assert CommentReport.objects.filter(comment=comment).count() == 1


def test_a_comment_hidden_since_the_page_loaded_takes_no_reaction_nor_report(
    story: Story, member: Any, other_member: Any, moderators: tuple[Any, Any]
) -> None:
    comment = post(member, story)
    (loaded,) = stale(comment, 1)
    services.comment_hide(actor=moderators[0], comment=comment)
    with pytest.raises(ValidationError):
        services.reaction_toggle(actor=other_member, comment=loaded)
    with pytest.raises(ValidationError):
        services.comment_report(actor=other_member, comment=loaded, reason="spam")
    assert not Reaction.objects.exists() and not CommentReport.objects.exists()


def test_a_double_clicked_reaction_reacts_once(
    story: Story, member: Any, other_member: Any
) -> None:
    comment = post(member, story)
    for instance in stale(comment):
        services.reaction_set(actor=other_member, comment=instance, reacted=True)
    comment.refresh_from_db()
    assert comment.reaction_count == Reaction.objects.filter(comment=comment).count() == 1
    for instance in stale(comment):
        services.reaction_set(actor=other_member, comment=instance, reacted=False)
    comment.refresh_from_db()
    assert comment.reaction_count == Reaction.objects.filter(comment=comment).count() == 0


def test_an_edit_from_a_page_loaded_before_a_hide_is_refused(
    story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    comment = post(member, story, "Original words")
    (loaded,) = stale(comment, 1)
    services.comment_hide(actor=moderators[0], comment=comment)
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=member, comment=loaded, body="Sneaked in")
    comment.refresh_from_db()
    assert comment.body_source == "Original words" and comment.status == Comment.Status.HIDDEN


def test_an_edit_after_the_author_deleted_it_is_refused(story: Story, member: Any) -> None:
    comment = post(member, story)
    to_delete, to_edit = stale(comment)
    services.comment_delete(actor=member, comment=to_delete)
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=member, comment=to_edit, body="Back from the dead")
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body_source == ""


def test_a_comment_posted_from_a_page_loaded_before_withdrawal_is_refused(
    story: Story, member: Any
) -> None:
    from masthead.stories.services import story_withdraw

    loaded = Story.objects.get(pk=story.pk)
    story_withdraw(actor=None, story=story, reason="Legal")
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=member, story=loaded, body="Too late")
    assert not Comment.objects.exists()
    assert count_of(story) == 0


def test_a_story_edit_from_a_stale_page_keeps_what_others_changed(
    story: Story, member: Any
) -> None:
    loaded = Story.objects.get(pk=story.pk)
    services.comment_create(actor=member, story=story, body="First")
    services.comment_create(actor=member, story=story, body="Second")
    edited = story_update(actor=None, story=loaded, headline="A Sharper Headline")
    story.refresh_from_db()
    assert edited.headline == story.headline == "A Sharper Headline"
    assert story.comment_count == 2 and story.thread_count == 2


# --- edits are screened like new comments ---------------------------------------------------


def test_a_banned_word_refused_at_posting_is_refused_in_an_edit(
    story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    moderation.word_rule_add(
        actor=moderators[0], channel=story.channel, phrase="grifter", kind="banned"
    )
    comment = post(member, story, "The minister has a plan")
    with pytest.raises(ValidationError, match="grifter"):
        services.comment_edit(actor=member, comment=comment, body="The minister is a GR1FTER")
    comment.refresh_from_db()
    assert comment.body_source == "The minister has a plan" and comment.edited_at is None


def test_a_member_under_a_read_only_ban_no_longer_edits(
    story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    comment = post(member, story, "Before the ban")
    moderation.ban_create(
        actor=moderators[0], user=member, channel=story.channel, kind="read_only", reason="Abuse"
    )
    with pytest.raises(PermissionDenied, match="Abuse"):
        services.comment_edit(actor=member, comment=comment, body="After the ban")
    comment.refresh_from_db()
    assert comment.body_source == "Before the ban"


def ban_during_screening(
    monkeypatch: pytest.MonkeyPatch, member: Any, moderator: Any, story: Story
) -> None:
    """A moderator bans the member after the text was screened and before the write takes its
    lock: the screening saw no ban, the write must."""
    screen = moderation.screen

    def screen_then_ban(**kwargs: Any) -> moderation.Screening:
        screening = screen(**kwargs)
        moderation.ban_create(
            actor=moderator, user=member, channel=story.channel, kind="read_only", reason="Abuse"
        )
        return screening

    monkeypatch.setattr(moderation, "screen", screen_then_ban)


def test_a_ban_given_while_a_comment_is_screened_refuses_it(
    story: Story, member: Any, moderators: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ban_during_screening(monkeypatch, member, moderators[0], story)
    with pytest.raises(PermissionDenied, match="Abuse"):
        post(member, story, "Written before the ban")
    assert not Comment.objects.filter(author=member).exists() and count_of(story) == 0


def test_a_ban_given_while_an_edit_is_screened_refuses_it(
    story: Story, member: Any, moderators: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    comment = post(member, story, "Before the ban")
    ban_during_screening(monkeypatch, member, moderators[0], story)
    with pytest.raises(PermissionDenied, match="Abuse"):
        services.comment_edit(actor=member, comment=comment, body="After the ban")
    comment.refresh_from_db()
    assert comment.body_source == "Before the ban" and comment.edited_at is None


def test_an_edit_that_screens_as_suspect_goes_back_to_the_queue(
    story: Story, member: Any, other_member: Any, moderators: tuple[Any, Any]
) -> None:
    post(other_member, story)
    moderation.word_rule_add(
        actor=moderators[0], channel=story.channel, phrase="miracle cure", kind="suspect"
    )
    comment = post(member, story, "Ferries are slow")
    assert count_of(story) == 2
    edited = services.comment_edit(actor=member, comment=comment, body="Try this MIRACLE cure")
    assert edited.status == Comment.Status.PENDING and "miracle cure" in edited.held_reason
    assert edited.held_reason.startswith("edited after it was shown")
    assert count_of(story) == 1
    from masthead.discussion import selectors

    assert [c.pk for c in selectors.queue(channel_id=story.channel_id, tab="pending")] == [
        comment.pk
    ]


def test_under_premoderation_of_every_comment_an_edit_waits_for_review(
    story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    moderation.rules_update(
        actor=moderators[0], channel=story.channel, premoderation=ChannelRules.Premoderation.ALL
    )
    comment = post(member, story)
    approved = services.comment_approve(actor=moderators[0], comment=comment)
    assert approved.status == Comment.Status.VISIBLE
    edited = services.comment_edit(actor=member, comment=approved, body="Changed after approval")
    assert edited.status == Comment.Status.PENDING


def test_one_comments_history_is_listed_from_the_log(
    client: Any, story: Story, member: Any, moderators: tuple[Any, Any]
) -> None:
    from django.urls import reverse

    comment, other = post(member, story), post(member, story, "Another one")
    services.comment_hide(actor=moderators[0], comment=comment)
    services.comment_restore(actor=moderators[1], comment=comment)
    services.comment_hide(actor=moderators[0], comment=other)
    url = reverse("moderation:log", kwargs={"channel": story.channel.slug})
    page = client.get(url, {"comment": comment.pk}).content.decode()
    assert page.count("<tr>") == 1 + 2  # the header row, then hid and restored
    assert "restored" in page and other.number not in page
    assert f'href="?comment={comment.pk}"' in client.get(url).content.decode()


def test_closing_a_storys_comments_twice_closes_and_logs_once(
    story: Story, moderators: tuple[Any, Any]
) -> None:
    for instance, moderator in zip(
        [Story.objects.get(pk=story.pk) for _ in range(2)], moderators, strict=True
    ):
        services.story_comments_close(actor=moderator, story=instance)
    story.refresh_from_db()
    assert not story.comments_open
    assert LogEntry.objects.filter(story_id=story.pk, action="close comments").count() == 1
