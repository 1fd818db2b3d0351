"""The moderation queue and the pages around it: counts, filters, one and many comments at a
time (htmx and plain posts), who may see them, the rules page and the public log."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.channels.tests.factories import ChannelFactory
from masthead.discussion import services as discussion
from masthead.discussion.models import Comment
from masthead.moderation import services as moderation
from masthead.moderation.models import Ban, LogEntry, WordRule
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def moderator(channel: Any) -> Any:
    user = MemberFactory(handle="modjo", display_name="Mod Jo")
    role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.MODERATOR)
    user.refresh_from_db()
    return user


@pytest.fixture
def mod_client(moderator: Any) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def pending(story: Story, author: Any, count: int) -> list[Comment]:
    moderation.rules_update(actor=None_actor(story), channel=story.channel, premoderation="all")
    return [
        discussion.comment_create(actor=author, story=story, body=f"Waiting {n}")[0]
        for n in range(count)
    ]


def None_actor(story: Story) -> Any:
    staff = MemberFactory()
    staff.is_staff = True
    staff.save()
    return staff


def queue_url(story: Story, tab: str = "pending") -> str:
    return reverse("discussion:queue", kwargs={"channel": story.channel.slug}) + f"?show={tab}"


def test_the_queue_shows_counts_and_approves_one_at_a_time(
    story: Story, member: Any, mod_client: Client
) -> None:
    first, second, third = pending(story, member, 3)
    page = mod_client.get(queue_url(story))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("#count-pending").text == "3"
    assert [li["id"] for li in soup.select(".queue-item")] == [
        f"queue-{c.pk}" for c in (first, second, third)
    ]  # oldest first
    answer = mod_client.post(queue_url(story), {"act": f"approve:{first.pk}"}, **HTMX)
    assert answer.status_code == 200 and "queue-item--done" in answer.content.decode()
    answer = mod_client.post(queue_url(story), {"act": f"hide:{second.pk}"})
    assert answer.status_code == 302
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses[first.pk] == "visible" and statuses[second.pk] == "hidden"
    assert statuses[third.pk] == "pending"


def test_bulk_actions_and_removal_reasons(story: Story, member: Any, mod_client: Client) -> None:
    comments = pending(story, member, 4)
    ids = [str(c.pk) for c in comments]
    mod_client.post(queue_url(story), {"action": "approve", "comment": ids[:2]})
    answer = mod_client.post(queue_url(story), {"action": "remove", "comment": ids[2:]})
    assert answer.status_code == 302  # no reason: refused, said in a message
    assert Comment.objects.filter(status="pending").count() == 2
    mod_client.post(
        queue_url(story), {"action": "remove", "comment": ids[2:], "reason": "Spam links"}
    )
    assert list(Comment.objects.filter(status="removed").values_list("removed_reason", flat=True))
    assert set(Comment.objects.values_list("status", flat=True)) == {"visible", "removed"}
    removed = mod_client.get(queue_url(story, "removed")).content.decode()
    assert "Spam links" in removed
    mod_client.post(queue_url(story, "removed"), {"action": "restore", "comment": ids[2:]})
    assert set(Comment.objects.values_list("status", flat=True)) == {"visible"}


def test_reported_comments_show_reasons_but_not_reporters(
    story: Story, member: Any, other_member: Any, mod_client: Client
) -> None:
    comment, _ = discussion.comment_create(actor=member, story=story, body="Contentious")
    discussion.comment_report(
        actor=other_member, comment=comment, reason="other", note="Doxxing a neighbour"
    )
    page = mod_client.get(queue_url(story, "reported")).content.decode()
    assert "Doxxing a neighbour" in page and "1 open report" in page
    assert other_member.profile.handle not in page
    mod_client.post(queue_url(story, "reported"), {"act": f"approve:{comment.pk}"})
    assert Comment.objects.get(pk=comment.pk).open_reports == 0
    assert LogEntry.objects.filter(action="keep").exists()


def test_the_author_filter(
    story: Story, member: Any, other_member: Any, mod_client: Client
) -> None:
    pending(story, member, 2)
    discussion.comment_create(actor=other_member, story=story, body="Other's comment")
    page = mod_client.get(queue_url(story) + f"&author=@{other_member.profile.handle}")
    items = BeautifulSoup(page.content, "html.parser").select(".queue-item")
    assert len(items) == 1 and "Other's comment" in items[0].text


def test_who_may_see_the_queues(
    story: Story, member_client: Client, mod_client: Client, client: Client
) -> None:
    assert member_client.get(queue_url(story)).status_code == 403
    assert client.get(queue_url(story)).status_code == 302  # to log in
    elsewhere = MemberFactory()
    role_grant(
        actor=None, channel=ChannelFactory(), user=elsewhere, role=ChannelRole.Role.MODERATOR
    )
    other = Client()
    other.force_login(elsewhere)
    assert other.get(queue_url(story)).status_code == 403
    site = reverse("discussion:site_queue")
    assert member_client.get(site).status_code == 403
    mine = mod_client.get(site)  # a channel's moderator gets their channels
    assert mine.status_code == 200 and story.channel.name in mine.content.decode()
    assert "queue-list" not in mine.content.decode()
    site_moderator = MemberFactory()
    site_moderator.is_site_moderator = True
    site_moderator.save()
    other.force_login(site_moderator)
    assert other.get(site).status_code == 200
    assert other.get(queue_url(story)).status_code == 200


def test_a_moderator_cannot_act_on_another_channels_comments_through_their_queue(
    story: Story, member: Any, channel: Any
) -> None:
    comments = pending(story, member, 1)
    elsewhere_channel = ChannelFactory()
    elsewhere = MemberFactory()
    role_grant(
        actor=None, channel=elsewhere_channel, user=elsewhere, role=ChannelRole.Role.MODERATOR
    )
    other = Client()
    other.force_login(elsewhere)
    url = reverse("discussion:queue", kwargs={"channel": elsewhere_channel.slug})
    other.post(url, {"act": f"approve:{comments[0].pk}"})
    assert Comment.objects.get(pk=comments[0].pk).status == "pending"


def test_the_rules_page(
    story: Story, member: Any, mod_client: Client, member_client: Client
) -> None:
    slug = story.channel.slug
    rules = reverse("moderation:rules", kwargs={"channel": slug})
    assert member_client.get(rules).status_code == 403
    assert mod_client.get(rules).status_code == 200
    answer = mod_client.post(
        rules,
        {
            "rules-premoderation": "new",
            "rules-new_member_approvals": "3",
            "rules-rejection_rate": "0.5",
            "rules-score_queue_at": "0.5",
            "rules-score_refuse_at": "0.9",
            "rules-close_after_days": "",
            "rules-reaction_word": "Respect",
            "rules-threads_per_page": "50",
        },
    )
    assert answer.status_code == 302
    assert moderation.rules_for(story.channel_id).new_member_approvals == 3
    words = reverse("moderation:word_add", kwargs={"channel": slug})
    assert (
        mod_client.post(words, {"word-phrase": "Grifter", "word-kind": "banned"}).status_code == 302
    )
    again = mod_client.post(words, {"word-phrase": "GRIFTER", "word-kind": "suspect"})
    assert again.status_code == 422 and "already" in again.content.decode()
    bans = reverse("moderation:ban_add", kwargs={"channel": slug})
    unknown = mod_client.post(
        bans, {"ban-handle": "nobody-here", "ban-kind": "read_only", "ban-reason": "x"}
    )
    assert unknown.status_code == 422 and "No member has this handle" in unknown.content.decode()
    answer = mod_client.post(
        bans,
        {
            "ban-handle": f"@{member.profile.handle}",
            "ban-kind": "read_only",
            "ban-reason": "Insults",
            "ban-days": "3",
        },
    )
    assert answer.status_code == 302
    ban = Ban.objects.get(user=member)
    assert ban.expires_at is not None
    lift = reverse("moderation:ban_lift", kwargs={"channel": slug, "pk": ban.pk})
    assert member_client.post(lift).status_code == 403
    mod_client.post(lift)
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    rule = WordRule.objects.get()
    mod_client.post(reverse("moderation:word_remove", kwargs={"channel": slug, "pk": rule.pk}))
    assert not WordRule.objects.exists()


def test_the_public_log_shows_roles_never_names_nor_shadow_bans(
    story: Story, member: Any, moderator: Any, client: Client
) -> None:
    comment, _ = discussion.comment_create(actor=member, story=story, body="Rude")
    discussion.comment_remove(actor=moderator, comment=comment, reason="Personal attack")
    moderation.ban_create(
        actor=moderator, user=member, channel=story.channel, kind="shadow", reason="Troll"
    )
    moderation.word_rule_add(
        actor=moderator, channel=story.channel, phrase="secret", kind="suspect"
    )
    page = client.get(reverse("moderation:log", kwargs={"channel": story.channel.slug}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "a moderator" in text and "remove" in text and "Personal attack" in text
    assert moderator.profile.handle not in text and moderator.profile.display_name not in text
    assert "shadow" not in text and "secret" not in text
