"""Top's scores: the formula, the order it gives under a fixed clock as stories age and gain
comments, and every service that changes engagement keeping the stored score true (counted
from the rows, whatever the instances it was handed say)."""

from __future__ import annotations

import datetime as dt
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks import default_task_backend

from masthead.accounts.tests.factories import PASSWORD, MemberFactory
from masthead.channels.services import follow_set
from masthead.channels.tests.factories import SectionFactory
from masthead.core import pagecache, versions
from masthead.discussion import services as discussion
from masthead.discussion.models import Comment
from masthead.pages.member_data import member_delete
from masthead.stories import ranking
from masthead.stories.front import story_list_top
from masthead.stories.models import Story
from masthead.stories.selectors import story_list_front
from masthead.stories.services import story_create, story_publish, story_update
from masthead.stories.tasks import channel_rank_task
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)  # the fixed clock of these tests
HOUR = dt.timedelta(hours=1)


def headlines(page: Any) -> list[str]:
    return [story.headline for story in page.object_list]


def fresh(story: Story) -> Story:
    return Story.objects.get(pk=story.pk)


def points_of(story: Story) -> float:
    return fresh(story).rank_points


def staff(handle: str) -> Any:
    user = MemberFactory(handle=handle)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def post(member: Any, story: Story, body: str = "A fair point.", **kwargs: Any) -> Comment:
    comment, _created = discussion.comment_create(actor=member, story=story, body=body, **kwargs)
    return comment


def test_the_formula_trades_a_factor_of_ten_in_points_for_twelve_hours() -> None:
    assert ranking.hotness(1.0, ranking.EPOCH) == 0.0
    later = ranking.EPOCH + dt.timedelta(seconds=ranking.HOTNESS_SECONDS)
    assert ranking.hotness(10.0, ranking.EPOCH) == pytest.approx(ranking.hotness(1.0, later))
    assert ranking.hotness(5.0, None) == 0.0  # an unpublished story has no rank
    engaged = ranking.Engagement(comments=6, commenters=3, reactions=4)
    assert ranking.points(engaged, followers=3) == pytest.approx(1 + 6 + 3 * 2 + 4 * 0.5 + 2)
    assert ranking.points(ranking.Engagement(), followers=0) == 1.0


def test_top_changes_as_stories_age_and_gain_comments(section: Any) -> None:
    """Under a fixed clock: a discussed story leads a newer quiet one; six hours on, a story
    newer still passes it; then the quiet story gains a discussion and leads them all."""
    members = [MemberFactory() for _ in range(3)]
    discussed = StoryFactory(section=section, headline="Discussed", published_at=NOW - 10 * HOUR)
    quiet = StoryFactory(section=section, headline="Quiet", published_at=NOW - HOUR)
    for n in range(6):  # six comments by three members: 1 + 6 + 3 x 2 = 13 points
        post(members[n % 3], discussed, f"Comment {n}")
    assert points_of(discussed) == 13.0
    assert headlines(story_list_top(now=NOW)) == ["Discussed", "Quiet"]
    assert headlines(story_list_front()) == ["Quiet", "Discussed"]  # Latest: newest first

    # log10(13) x 12 h = 13.4 h of head start on a story published at NOW - 10 h: it leads
    # stories up to 3.4 h newer than NOW, and a story published at NOW + 5 h passes it.
    StoryFactory(section=section, headline="Newer still", published_at=NOW + 5 * HOUR)
    assert headlines(story_list_top(now=NOW + 6 * HOUR)) == ["Newer still", "Discussed", "Quiet"]

    for n in range(3):  # three members: 1 + 3 + 6 = 10 points, twelve hours' worth
        post(members[n], quiet, f"On the quiet one {n}")
    assert headlines(story_list_top(now=NOW + 6 * HOUR)) == ["Quiet", "Newer still", "Discussed"]
    # The clock alone never reorders stories already published: their scores stay put.
    later = story_list_top(now=NOW + 48 * HOUR)
    assert headlines(later) == ["Quiet", "Newer still", "Discussed"]


def test_publishing_ranks_a_story_by_its_time(section: Any) -> None:
    story = story_create(
        actor=None, channel=section.channel, section=section, headline="New", body="Text."
    )
    assert fresh(story).hotness == 0.0
    story = story_publish(actor=None, story=story, at=NOW)
    assert story.hotness == pytest.approx(ranking.hotness(1.0, NOW))
    assert fresh(story).hotness == story.hotness


def test_every_engagement_service_keeps_the_score_true(
    section: Any, member: Any, other_member: Any, channel: Any
) -> None:
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import role_grant

    moderator = MemberFactory(handle="mod_rank")
    role_grant(actor=None, channel=channel, user=moderator, role=ChannelRole.Role.MODERATOR)
    moderator.refresh_from_db()
    story = StoryFactory(section=section, published_at=NOW)
    assert points_of(story) == 1.0

    first = post(member, story)
    assert points_of(story) == 1 + 1 + 2
    second = post(other_member, story, "Another view.", parent=first)
    assert points_of(story) == 1 + 2 + 4
    discussion.reaction_set(actor=other_member, comment=first, reacted=True)
    assert points_of(story) == 1 + 2 + 4 + 0.5
    discussion.comment_hide(actor=moderator, comment=first)  # its reaction goes with it
    assert points_of(story) == 1 + 1 + 2
    discussion.comment_restore(actor=moderator, comment=first)
    assert points_of(story) == 1 + 2 + 4 + 0.5
    discussion.reaction_set(actor=other_member, comment=first, reacted=False)
    assert points_of(story) == 1 + 2 + 4
    discussion.comment_remove(actor=moderator, comment=second, reason="Off topic.")
    assert points_of(story) == 1 + 1 + 2
    discussion.comment_delete(actor=member, comment=first)
    assert points_of(story) == 1.0
    third = post(other_member, story, "Back again.")
    discussion.reaction_set(actor=member, comment=third, reacted=True)
    assert points_of(story) == 1 + 1 + 2 + 0.5
    member_delete(member=member, password=PASSWORD)  # their reaction is taken back
    assert points_of(story) == 1 + 1 + 2
    # Whatever the services left is what counting afresh gives.
    assert ranking.stories_rank_refresh(story_ids=[story.pk]) == 0


def test_a_comment_waiting_for_review_counts_once_approved(
    section: Any, member: Any, channel: Any
) -> None:
    from masthead.moderation.services import rules_update

    admin = staff("staff_rank")
    rules_update(actor=admin, channel=channel, premoderation="all")
    story = StoryFactory(section=section, published_at=NOW)
    waiting = post(member, story)
    assert waiting.status == Comment.Status.PENDING
    assert points_of(story) == 1.0
    discussion.comment_approve(actor=admin, comment=waiting)
    assert points_of(story) == 1 + 1 + 2


def test_two_stale_instances_count_once(
    section: Any, member: Any, other_member: Any, channel: Any
) -> None:
    """A double click, or two moderators at once, with instances loaded before either ran:
    the score is counted from the rows, so each change counts once."""
    admin = staff("staff_stale")
    story = StoryFactory(section=section, published_at=NOW)
    comment = post(member, story)
    stale = [fresh(story), fresh(story)]  # loaded before the reaction raised the score
    copies = [Comment.objects.select_related("story__channel").get(pk=comment.pk) for _ in "ab"]
    for copy in copies:
        discussion.reaction_set(actor=other_member, comment=copy, reacted=True)
    assert points_of(story) == 1 + 1 + 2 + 0.5
    # Two editors saving stale story instances keep the score the rows give.
    for number, copy in enumerate(stale):
        story_update(actor=admin, story=copy, headline=f"Edited {number}")
    assert points_of(story) == 1 + 1 + 2 + 0.5
    copies = [Comment.objects.select_related("story__channel").get(pk=comment.pk) for _ in "ab"]
    for copy in copies:
        discussion.comment_hide(actor=admin, comment=copy)
    assert points_of(story) == 1.0


def test_a_follow_moves_the_channels_recent_stories(
    section: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recent = StoryFactory(section=section)  # published two hours ago
    old = StoryFactory(section=section, published_at=NOW - 30 * 24 * HOUR)
    elsewhere = StoryFactory(section=SectionFactory())

    def follow(following: bool) -> list[Any]:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            follow_set(actor=member, channel=section.channel, following=following)
        return callbacks

    follow(True)
    assert points_of(recent) == 1 + math.log2(2)
    assert points_of(old) == 1.0  # outside the window: its rank no longer matters
    assert points_of(elsewhere) == 1.0
    assert follow(True) == []  # following again changes nothing, and tells no one
    assert points_of(recent) == 2.0
    follow(False)
    assert points_of(recent) == 1.0


def test_a_follow_leaves_the_recount_to_the_worker(
    section: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recent = StoryFactory(section=section)
    queued = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=queued):
        with django_capture_on_commit_callbacks(execute=True):
            follow_set(actor=member, channel=section.channel, following=True)
        assert points_of(recent) == 1.0  # the request did not recount
        (result,) = default_task_backend.results  # type: ignore[attr-defined]
    assert result.task.func is channel_rank_task.func
    assert result.args == [section.channel.pk]
    assert channel_rank_task.call(*result.args) == 1  # what the worker runs
    assert points_of(recent) == 2.0


def test_the_loop_repairs_what_changed_behind_the_services(section: Any, member: Any) -> None:
    recent = StoryFactory(section=section)
    post(member, recent)
    old = StoryFactory(section=section, published_at=NOW - 30 * 24 * HOUR)
    expected = fresh(recent).hotness
    Story.objects.filter(pk__in=[recent.pk, old.pk]).update(hotness=0.0, rank_points=1.0)
    assert ranking.RankLoop.once() == 1
    assert fresh(recent).hotness == pytest.approx(expected)
    assert fresh(old).hotness == 0.0  # outside RANK_WINDOW
    assert ranking.RankLoop.once() == 0  # nothing left to repair


def _front_version() -> str:
    return versions.current("page:" + pagecache._hash("/"))


def test_score_changes_refresh_top_at_most_once_per_interval(
    section: Any, member: Any, other_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    shown = StoryFactory(section=section, published_at=NOW)
    for n in range(25):  # a full first page and more
        StoryFactory(section=SectionFactory(), published_at=NOW - n * HOUR)
    buried = StoryFactory(section=section, published_at=NOW - 100 * HOUR)
    story_list_top(now=NOW)  # the first page as a reader saw it: its lowest hotness is noted
    before = _front_version()
    with django_capture_on_commit_callbacks(execute=True):
        post(member, buried)  # far below the first page's edge: Top stays cached
    assert _front_version() == before
    with django_capture_on_commit_callbacks(execute=True):
        post(member, shown)
    after = _front_version()
    assert after != before
    with django_capture_on_commit_callbacks(execute=True):
        post(other_member, shown, "More.")  # within FRONT_RERANK_SECONDS: left to expiry
    assert _front_version() == after


@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_leave_the_score_counted_right(section: Any) -> None:
    """Each post recounts under the story's lock, after the posts before it committed: the
    last to commit counts them all (PostgreSQL: a row lock; SQLite: the write lock)."""
    story = StoryFactory(section=section)
    members = [MemberFactory() for _ in range(4)]
    posts = 12
    barrier = threading.Barrier(posts)

    def write(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            post(members[index % 4], story, f"Post {index}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=posts) as pool:
        list(pool.map(write, range(posts)))
    assert points_of(story) == 1 + posts + 4 * 2
    assert ranking.stories_rank_refresh(story_ids=[story.pk]) == 0
