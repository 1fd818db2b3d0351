"""Moderation decisions other than a comment's, called twice with instances loaded before
either ran (a form sent twice, two moderators at once), and what the public log shows of
them: rules, bans, word lists, roles and follows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels import services as channels
from masthead.channels.models import ChannelRole, Follow
from masthead.moderation import services
from masthead.moderation.models import Ban, ChannelRules, LogEntry, WordRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(channel: Any) -> Any:
    user = MemberFactory(handle="the_owner")
    channels.role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.OWNER)
    user.refresh_from_db()
    return user


@pytest.fixture
def moderator(channel: Any, owner: Any) -> Any:
    user = MemberFactory(handle="the_moderator")
    channels.role_grant(actor=owner, channel=channel, user=user, role=ChannelRole.Role.MODERATOR)
    user.refresh_from_db()
    return user


def actions() -> list[str]:
    return list(LogEntry.objects.order_by("id").values_list("action", flat=True))


def test_a_refused_rules_change_leaves_the_cached_rules_as_they_were(
    channel: Any, moderator: Any
) -> None:
    services.rules_update(actor=moderator, channel=channel, reaction_word="Agree")
    assert services.rules_for(channel.pk).reaction_word == "Agree"
    with pytest.raises(ValidationError):
        services.rules_update(
            actor=moderator, channel=channel, reaction_word="Nope", premoderation="bogus"
        )
    rules = services.rules_for(channel.pk)
    assert rules.reaction_word == "Agree" and rules.premoderation != "bogus"
    assert ChannelRules.objects.get(channel=channel).reaction_word == "Agree"


def test_a_refused_rules_form_leaves_the_cached_rules_as_they_were(
    channel: Any, moderator: Any
) -> None:
    client = Client()
    client.force_login(moderator)
    url = reverse("moderation:rules", kwargs={"channel": channel.slug})
    fields = {
        "rules-premoderation": "none",
        "rules-new_member_approvals": "2",
        "rules-rejection_rate": "0.5",
        "rules-score_queue_at": "0.5",
        "rules-score_refuse_at": "0.9",
        "rules-close_after_days": "0",
        "rules-reaction_word": "Hear hear",
        "rules-threads_per_page": "not a number",
    }
    assert client.post(url, fields).status_code == 422
    assert services.rules_for(channel.pk).reaction_word != "Hear hear"


def test_the_same_ban_sent_twice_bans_once_and_a_changed_one_changes_it(
    channel: Any, moderator: Any, member: Any
) -> None:
    stale = [type(member).objects.get(pk=member.pk) for _ in range(2)]
    for user in stale:
        services.ban_create(
            actor=moderator, user=user, channel=channel, kind="read_only", reason="Abuse"
        )
    assert Ban.objects.filter(user=member).count() == 1
    services.ban_create(
        actor=moderator, user=member, channel=channel, kind="read_only", reason="Worse abuse"
    )
    (ban,) = Ban.objects.filter(user=member)
    assert ban.reason == "Worse abuse"
    assert actions()[-2:] == ["ban read_only", "change read_only ban"]


def test_lifting_a_ban_twice_lifts_and_logs_once(channel: Any, moderator: Any, member: Any) -> None:
    ban = services.ban_create(
        actor=moderator, user=member, channel=channel, kind="full", reason="Spam"
    )
    first, second = (Ban.objects.get(pk=ban.pk) for _ in range(2))
    services.ban_lift(actor=moderator, ban=first)
    lifted_at = Ban.objects.get(pk=ban.pk).lifted_at
    services.ban_lift(actor=moderator, ban=second)
    assert Ban.objects.get(pk=ban.pk).lifted_at == lifted_at
    assert actions().count("lift full ban") == 1


def test_removing_a_word_twice_logs_once(channel: Any, moderator: Any) -> None:
    rule = services.word_rule_add(actor=moderator, channel=channel, phrase="scam", kind="banned")
    first, second = (WordRule.objects.get(pk=rule.pk) for _ in range(2))
    services.word_rule_remove(actor=moderator, rule=first)
    services.word_rule_remove(actor=moderator, rule=second)
    assert not WordRule.objects.exists()
    assert actions().count("remove banned word") == 1


def test_appointments_and_dismissals_are_logged_once_each(
    channel: Any, owner: Any, member: Any
) -> None:
    for _ in range(2):
        channels.role_grant(
            actor=owner, channel=channel, user=member, role=ChannelRole.Role.CURATOR
        )
    for _ in range(2):
        channels.role_revoke(
            actor=owner, channel=channel, user=member, role=ChannelRole.Role.CURATOR
        )
    entries = LogEntry.objects.filter(target_user=member).order_by("id")
    assert [(e.actor_role, e.action) for e in entries] == [
        ("owner", "appoint curator"),
        ("owner", "dismiss curator"),
    ]
    member.refresh_from_db()
    assert not member.holds_channel_role


def test_site_moderators_appointed_and_dismissed_are_logged(member: Any) -> None:
    admin = MemberFactory()
    admin.is_staff = True
    admin.save()
    for value in (True, True, False):
        channels.site_moderator_set(actor=admin, user=member, value=value)
    assert actions() == ["appoint moderator", "dismiss moderator"]
    assert LogEntry.objects.filter(channel__isnull=True, actor_role="staff").count() == 2


def test_following_twice_follows_once(channel: Any, member: Any) -> None:
    for _ in range(2):
        channels.follow_set(actor=member, channel=channel, following=True)
    assert Follow.objects.filter(member=member).count() == 1
    for _ in range(2):
        channels.follow_set(actor=member, channel=channel, following=False)
    assert not Follow.objects.exists()


def test_the_public_log_reads_as_sentences_and_hides_who_moderates(
    client: Client, channel: Any, owner: Any, moderator: Any, member: Any
) -> None:
    services.ban_create(
        actor=owner, user=member, channel=channel, kind="read_only", reason="Insults"
    )
    page = client.get(reverse("moderation:log", kwargs={"channel": channel.slug})).content
    text = page.decode()
    assert "an owner" in text and "a owner" not in text
    assert "appointed a moderator" in text and "banned from writing" in text
    assert "@the_moderator" not in text  # who moderates is not told, only that someone does
    assert "@" + member.profile.handle in text


def test_the_channels_pages_link_to_the_public_log(client: Client, story: Any) -> None:
    log = reverse("moderation:log", kwargs={"channel": story.channel.slug})
    for url in (
        story.channel.get_absolute_url(),
        story.section.get_absolute_url(),
        story.get_absolute_url(),
    ):
        assert f'href="{log}"' in client.get(url).content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_a_channels_first_rules_sent_twice_at_once_make_one_row(
    channel: Any, moderator: Any
) -> None:
    """Concurrent, with a connection per thread: there is no rules row yet to lock."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    barrier = threading.Barrier(4)

    def save(word: str) -> str:
        try:
            barrier.wait(timeout=30)
            return services.rules_update(
                actor=moderator, channel=channel, reaction_word=word
            ).reaction_word
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        saved = list(pool.map(save, ["One", "Two", "Three", "Four"]))
    assert sorted(saved) == ["Four", "One", "Three", "Two"]
    assert ChannelRules.objects.filter(channel=channel).count() == 1
    assert LogEntry.objects.filter(action="rules").count() == 4


def test_site_wide_decisions_have_a_public_log_of_their_own(client: Client, member: Any) -> None:
    admin = MemberFactory()
    admin.is_staff = True
    admin.save()
    channels.site_moderator_set(actor=admin, user=member, value=True)
    offender = MemberFactory(handle="offender")
    services.ban_create(actor=admin, user=offender, channel=None, kind="full", reason="Spam")
    page = client.get(reverse("moderation:site_log")).content.decode()
    assert "the site&#39;s staff" in page or "the site's staff" in page
    assert "appointed a moderator" in page and "banned" in page and "@offender" in page
    assert "@" + member.profile.handle not in page


def test_a_grant_and_a_revoke_from_stale_instances_leave_the_member_able(
    channel: Any, owner: Any, member: Any
) -> None:
    """The member's "holds a role" flag (which every permission question reads first) comes
    from the roles held, whatever instance of the member each write was given."""
    from masthead.channels.selectors import can_curate, can_moderate

    channels.role_grant(actor=owner, channel=channel, user=member, role=ChannelRole.Role.CURATOR)
    for_revoke, for_grant = (type(member).objects.get(pk=member.pk) for _ in range(2))
    channels.role_revoke(
        actor=owner, channel=channel, user=for_revoke, role=ChannelRole.Role.CURATOR
    )
    channels.role_grant(
        actor=owner, channel=channel, user=for_grant, role=ChannelRole.Role.MODERATOR
    )
    fresh = type(member).objects.get(pk=member.pk)
    assert fresh.holds_channel_role
    assert can_moderate(fresh, channel.pk) and not can_curate(fresh, channel.pk)
