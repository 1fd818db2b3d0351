"""Every rule that decides a new comment's fate: bans, word lists, the scorer, pre-moderation,
closing; and the moderators' actions, each in the log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.channels.tests.factories import ChannelFactory
from masthead.discussion import services as discussion
from masthead.discussion.models import Comment
from masthead.moderation import services
from masthead.moderation.models import Ban, ChannelRules, LogEntry, WordRule
from masthead.moderation.scoring import HeuristicScorer
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(channel: Any) -> Any:
    user = MemberFactory(handle="modjo", display_name="Mod Jo")
    role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.MODERATOR)
    user.refresh_from_db()
    return user


def post(member: Any, story: Story, body: str, parent: Comment | None = None) -> Comment:
    comment, _created = discussion.comment_create(
        actor=member, story=story, body=body, parent=parent
    )
    return comment


def shown_to(client: Client, story: Story) -> str:
    return client.get(story.get_absolute_url()).content.decode()


def test_banned_words_are_refused_with_the_reason(
    story: Story, member: Any, moderator: Any
) -> None:
    services.word_rule_add(actor=moderator, channel=story.channel, phrase="Grifter", kind="banned")
    with pytest.raises(ValidationError, match="grifter"):
        post(member, story, "What a g r i f t e r this minister is")
    assert not Comment.objects.exists()
    with pytest.raises(ValidationError, match="already"):
        services.word_rule_add(
            actor=moderator, channel=story.channel, phrase="GRIFTER", kind="suspect"
        )


def test_suspect_words_send_the_comment_to_review(
    story: Story, member: Any, other_member: Any, moderator: Any
) -> None:
    services.word_rule_add(actor=moderator, channel=story.channel, phrase="idiot", kind="suspect")
    comment = post(member, story, "Only an 1d10t would say that")
    assert comment.status == Comment.Status.PENDING and "idiot" in comment.held_reason
    story.refresh_from_db()
    assert story.comment_count == 0
    discussion.comment_approve(actor=moderator, comment=comment)
    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE and story.comment_count == 1


def test_site_wide_word_lists_apply_in_every_channel(story: Story, member: Any) -> None:
    site_moderator = MemberFactory()
    site_moderator.is_site_moderator = True
    site_moderator.save()
    with pytest.raises(PermissionDenied):
        services.word_rule_add(actor=member, channel=None, phrase="spamword", kind="banned")
    services.word_rule_add(actor=site_moderator, channel=None, phrase="spamword", kind="banned")
    with pytest.raises(ValidationError):
        post(member, story, "spamword spamword")


def test_premoderation_of_new_members_then_direct(
    story: Story, member: Any, moderator: Any, client: Client
) -> None:
    services.rules_update(actor=moderator, channel=story.channel, premoderation="new")
    first = post(member, story, "My first comment here, hello everyone.")
    assert first.status == Comment.Status.PENDING
    reader_page = shown_to(client, story)
    assert "My first comment" not in reader_page
    author = Client()
    author.force_login(member)
    own = shown_to(author, story)
    assert "My first comment" in own and "Awaiting review" in own
    second = post(member, story, "A second thought on the matter at hand.")
    assert second.status == Comment.Status.PENDING
    for comment in (first, second):
        discussion.comment_approve(actor=moderator, comment=comment)
    third = post(member, story, "Now I post directly, having two approved.")
    assert third.status == Comment.Status.VISIBLE
    assert "My first comment" in shown_to(client, story)


def test_a_member_with_many_rejections_goes_back_to_review(
    story: Story, member: Any, moderator: Any
) -> None:
    services.rules_update(
        actor=moderator, channel=story.channel, premoderation="new", new_member_approvals=1
    )
    comments = [post(member, story, f"Comment number {n}") for n in range(4)]
    for comment in comments:  # all pending at first; approve one, remove three
        if comment is comments[0]:
            discussion.comment_approve(actor=moderator, comment=comment)
        else:
            discussion.comment_remove(actor=moderator, comment=comment, reason="Off topic")
    later = post(member, story, "And another one")
    assert later.status == Comment.Status.PENDING
    assert "rejected" in later.held_reason


def test_premoderation_of_every_comment(story: Story, member: Any, moderator: Any) -> None:
    services.rules_update(actor=moderator, channel=story.channel, premoderation="all")
    assert post(member, story, "Hello").status == Comment.Status.PENDING
    with pytest.raises(PermissionDenied):
        services.rules_update(actor=member, channel=story.channel, premoderation="off")


def test_the_scorer_queues_and_refuses(story: Story, member: Any) -> None:
    spam = "BUY NOW!!! http://a.example http://b.example http://c.example click here"
    with pytest.raises(ValidationError, match="spam"):
        post(member, story, spam)
    queued = post(member, story, "Work from home and visit http://a.example for more")
    assert queued.status == Comment.Status.PENDING
    assert post(member, story, "A calm, reasoned comment.").status == Comment.Status.VISIBLE


def test_the_heuristic_scorer_explains_itself(member: Any) -> None:
    scorer = HeuristicScorer()
    assert scorer.score("A calm and reasoned comment about the ferry.", author=member).value == 0
    shouting = scorer.score("THIS IS AN OUTRAGE AND EVERYONE KNOWS IT", author=member)
    assert shouting.value > 0 and "shouting" in shouting.reasons
    repeated = scorer.score("buy buy buy buy buy buy buy buy buy buy", author=member)
    assert repeated.value >= 0.4


def test_a_scorer_can_be_plugged_in(settings: Any, story: Story, member: Any) -> None:
    from masthead.moderation import scoring

    settings.MASTHEAD_COMMENT_SCORER = "masthead.discussion.tests.test_moderation.AlwaysSpam"
    scoring.scorer.cache_clear()
    try:
        with pytest.raises(ValidationError):
            post(member, story, "Perfectly fine words")
    finally:
        scoring.scorer.cache_clear()


class AlwaysSpam:
    def score(self, text: str, *, author: Any) -> Any:
        return scoring_score(1.0)


def scoring_score(value: float) -> Any:
    from masthead.moderation.scoring import Score

    return Score(value, ["plugged-in scorer"])


def test_read_only_and_full_bans_refuse_writing_with_the_reason(
    story: Story, member: Any, other_member: Any, moderator: Any
) -> None:
    target = post(other_member, story, "Something to report")
    ban = services.ban_create(
        actor=moderator,
        user=member,
        channel=story.channel,
        kind="read_only",
        reason="Repeated insults",
    )
    with pytest.raises(PermissionDenied, match="Repeated insults"):
        post(member, story, "Let me in")
    with pytest.raises(PermissionDenied):
        discussion.comment_report(actor=member, comment=target, reason="spam")
    elsewhere = ChannelFactory()
    assert not services.bans_in_force(member, elsewhere.pk)  # the channel's ban stays there
    services.ban_lift(actor=moderator, ban=ban)
    assert post(member, story, "Back again").status == Comment.Status.VISIBLE
    services.ban_create(
        actor=moderator,
        user=member,
        channel=story.channel,
        kind="full",
        reason="Threats",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    with pytest.raises(PermissionDenied, match="until"):
        post(member, story, "Again")


def test_an_expired_ban_no_longer_applies(story: Story, member: Any, moderator: Any) -> None:
    ban = services.ban_create(
        actor=moderator,
        user=member,
        channel=story.channel,
        kind="read_only",
        reason="Cool off",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    Ban.objects.filter(pk=ban.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert post(member, story, "Cooled off").status == Comment.Status.VISIBLE


def test_ban_rules(story: Story, member: Any, moderator: Any) -> None:
    with pytest.raises(ValidationError):
        services.ban_create(
            actor=moderator, user=member, channel=story.channel, kind="full", reason=" "
        )
    with pytest.raises(ValidationError):
        services.ban_create(
            actor=moderator,
            user=member,
            channel=story.channel,
            kind="full",
            reason="x",
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
    other = MemberFactory()
    role_grant(actor=None, channel=story.channel, user=other, role=ChannelRole.Role.MODERATOR)
    other.refresh_from_db()
    with pytest.raises(PermissionDenied):  # a moderator cannot ban another of the channel's
        services.ban_create(
            actor=moderator, user=other, channel=story.channel, kind="full", reason="x"
        )
    with pytest.raises(PermissionDenied):  # nor a member ban anyone
        services.ban_create(
            actor=member, user=moderator, channel=story.channel, kind="full", reason="x"
        )


def test_a_shadow_banned_member_sees_their_comment_and_nobody_else_does(
    story: Story, member: Any, other_member: Any, moderator: Any
) -> None:
    services.ban_create(
        actor=moderator,
        user=member,
        channel=story.channel,
        kind="shadow",
        reason="Trolling",
    )
    comment = post(member, story, "Nobody will see this but me")
    assert comment.status == Comment.Status.SHADOW
    author, other, mod = Client(), Client(), Client()
    author.force_login(member)
    other.force_login(other_member)
    mod.force_login(moderator)
    own = shown_to(author, story)
    assert "Nobody will see this but me" in own and "shadow" not in own.lower()
    assert "Nobody will see this but me" not in shown_to(other, story)
    assert "Nobody will see this but me" not in shown_to(Client(), story)
    assert "shadow-banned" in shown_to(mod, story)


def test_remove_shows_the_reason_in_place_of_the_text(
    story: Story, member: Any, moderator: Any, client: Client
) -> None:
    comment = post(member, story, "An insulting remark")
    with pytest.raises(ValidationError):
        discussion.comment_remove(actor=moderator, comment=comment, reason="   ")
    mod = Client()
    mod.force_login(moderator)
    url = reverse("discussion:remove", kwargs={"pk": comment.pk})
    assert mod.post(url, {"reason": ""}).status_code == 422
    assert mod.post(url, {"reason": "Personal attack"}).status_code == 302
    page = shown_to(client, story)
    assert "Personal attack" in page and "An insulting remark" not in page
    assert comment.number in page  # the number stays
    story.refresh_from_db()
    assert story.comment_count == 0


def test_feature_lock_and_close(
    story: Story, member: Any, other_member: Any, moderator: Any, client: Client
) -> None:
    opening = post(member, story, "Opening")
    discussion.comment_feature(actor=moderator, comment=opening)
    assert "Featured" in shown_to(client, story)
    discussion.thread_lock(actor=moderator, comment=opening)
    with pytest.raises(PermissionDenied, match="locked"):
        post(other_member, story, "A reply", parent=opening)
    reader = Client()
    reader.force_login(other_member)
    assert reverse("discussion:reply", kwargs={"pk": opening.pk}) not in shown_to(reader, story)
    post(other_member, story, "A new thread is still fine")
    discussion.story_comments_close(actor=moderator, story=story)
    with pytest.raises(PermissionDenied, match="closed"):
        post(other_member, story, "Too late")
    discussion.story_comments_close(actor=moderator, story=story, reopen=True)
    post(other_member, story, "Open again")
    discussion.story_comments_close(
        actor=moderator, story=story, at=timezone.now() + dt.timedelta(days=1)
    )
    post(other_member, story, "Still open today")
    Story.objects.filter(pk=story.pk).update(comments_close_at=timezone.now())
    story.refresh_from_db()
    with pytest.raises(PermissionDenied, match="closed"):
        post(other_member, story, "Closed by schedule")


def test_a_channel_rule_closes_old_stories(story: Story, member: Any, moderator: Any) -> None:
    services.rules_update(actor=moderator, channel=story.channel, close_after_days=7)
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - dt.timedelta(days=8))
    story.refresh_from_db()
    with pytest.raises(PermissionDenied, match="closed"):
        post(member, story, "Old news")
    assert ChannelRules.objects.get(channel=story.channel).close_after_days == 7


def test_every_action_is_logged_and_the_log_is_append_only(
    story: Story, member: Any, moderator: Any
) -> None:
    comment = post(member, story, "Log me")
    discussion.comment_hide(actor=moderator, comment=comment)
    discussion.comment_restore(actor=moderator, comment=comment)
    discussion.comment_feature(actor=moderator, comment=comment)
    discussion.comment_remove(actor=moderator, comment=comment, reason="Spam")
    services.word_rule_add(actor=moderator, channel=story.channel, phrase="x y", kind="suspect")
    services.ban_create(
        actor=moderator, user=member, channel=story.channel, kind="shadow", reason="Spam"
    )
    actions = list(LogEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "appoint moderator",  # the fixture's appointment
        "hide",
        "restore",
        "feature",
        "remove",
        "add suspect word",
        "ban shadow",
    ]
    entry = LogEntry.objects.get(action="remove")
    assert entry.actor_role == "moderator" and entry.reason == "Spam"
    assert entry.target.startswith(comment.number) and entry.target_user_id == member.pk
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LogEntry.objects.filter(pk=entry.pk).update(reason="")
    with pytest.raises(TypeError):
        LogEntry.objects.all().delete()
    assert WordRule.objects.count() == 1


def test_only_the_channels_moderators_act(story: Story, member: Any, other_member: Any) -> None:
    comment = post(member, story, "Hmm")
    elsewhere = MemberFactory()
    role_grant(
        actor=None, channel=ChannelFactory(), user=elsewhere, role=ChannelRole.Role.MODERATOR
    )
    elsewhere.refresh_from_db()
    for actor in (other_member, elsewhere):
        for action in (
            lambda a: discussion.comment_approve(actor=a, comment=comment),
            lambda a: discussion.comment_remove(actor=a, comment=comment, reason="x"),
            lambda a: discussion.comment_feature(actor=a, comment=comment),
            lambda a: discussion.thread_lock(actor=a, comment=comment),
            lambda a: discussion.story_comments_close(actor=a, story=story),
        ):
            with pytest.raises(PermissionDenied):
                action(actor)


def test_moderators_close_schedule_and_reopen_from_the_story_page(
    story: Story, member: Any, moderator: Any, member_client: Client
) -> None:
    mod = Client()
    mod.force_login(moderator)
    url = reverse("discussion:story_comments", kwargs={"public_id": story.public_key})
    assert "Close comments now" in shown_to(mod, story)
    assert "Close comments now" not in shown_to(member_client, story)
    assert member_client.post(url, {"action": "close"}).status_code == 403
    assert mod.post(url, {"action": "close"}).status_code == 302
    story.refresh_from_db()
    assert not story.comments_open and "Reopen comments" in shown_to(mod, story)
    mod.post(url, {"action": "reopen"})
    past = mod.post(url, {"action": "schedule", "at": "2001-01-01T10:00"}, follow=True)
    assert "That time has passed" in past.content.decode()
    mod.post(url, {"action": "schedule", "at": "2099-06-01T18:30"})
    story.refresh_from_db()
    assert story.comments_open and story.comments_close_at is not None
    assert story.comments_close_at.year == 2099
    assert 'value="2099-06-01T18:30"' in shown_to(mod, story)
    assert LogEntry.objects.filter(action="schedule closing").exists()
