"""Story writes called with instances loaded before another write ran (a form sent twice, two
curators at once): each service re-reads the story under a lock, so withdrawal is final
whichever way a request comes, and an edit never writes back what it did not change.
``story_save`` does what the desk's form and the review queue ask, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from masthead.stories import services
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


def stale(story: Story, copies: int = 2) -> list[Story]:
    return [Story.objects.select_related("channel").get(pk=story.pk) for _ in range(copies)]


def test_a_withdrawn_story_is_never_published_again(story: Story) -> None:
    services.story_withdraw(actor=None, story=story, reason="The figures were wrong")
    for write in (
        lambda s: services.story_unpublish(actor=None, story=s),
        lambda s: services.story_publish(actor=None, story=s),
        lambda s: services.story_update(actor=None, story=s, headline="Back again"),
        lambda s: services.story_save(actor=None, channel=s.channel, story=s, action="publish"),
    ):
        (loaded,) = stale(story, 1)
        with pytest.raises(ValidationError, match="withdrawn"):
            write(loaded)
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN and story.headline != "Back again"


def test_a_page_loaded_before_the_withdrawal_cannot_bring_it_back(story: Story) -> None:
    to_withdraw, to_publish = stale(story)
    services.story_withdraw(actor=None, story=to_withdraw, reason="Legal")
    with pytest.raises(ValidationError):
        services.story_publish(actor=None, story=to_publish)
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN


def test_withdrawing_twice_keeps_the_first_withdrawal(story: Story) -> None:
    first, second = stale(story)
    services.story_withdraw(actor=None, story=first, reason="Legal")
    services.story_withdraw(actor=None, story=second, reason="Something else")
    story.refresh_from_db()
    assert story.withdrawn_reason == "Legal"


def test_publishing_twice_keeps_the_first_time(story: Story) -> None:
    draft = services.story_unpublish(actor=None, story=story)
    first, second = stale(draft)
    published = services.story_publish(actor=None, story=first)
    again = services.story_publish(actor=None, story=second)
    assert again.status == Story.Status.PUBLISHED
    assert again.published_at == published.published_at


def test_story_save_publishes_schedules_or_keeps_a_draft(section: Any) -> None:
    fields = {"section": section, "headline": "Night Ferry Approved", "body": "<p>Yes.</p>"}
    draft = services.story_save(actor=None, channel=section.channel, action="draft", **fields)
    assert draft.status == Story.Status.DRAFT
    live = services.story_save(actor=None, channel=section.channel, story=draft, action="publish")
    assert live.status == Story.Status.PUBLISHED
    later = timezone.now() + dt.timedelta(days=1)
    scheduled = services.story_save(
        actor=None, channel=section.channel, story=live, action="schedule", publish_at=later
    )
    assert scheduled.status == Story.Status.SCHEDULED and scheduled.published_at == later
    kept = services.story_save(actor=None, channel=section.channel, story=live, action="publish")
    assert kept.status == Story.Status.SCHEDULED  # "keep published" keeps the schedule
    back = services.story_save(actor=None, channel=section.channel, story=kept, action="draft")
    assert back.status == Story.Status.DRAFT
    with pytest.raises(ValidationError):
        services.story_save(actor=None, channel=section.channel, story=back, action="schedule")


def test_a_curated_story_gives_the_original_articles_time_in_its_zone(
    client: Any, section: Any
) -> None:
    story = services.story_save(
        actor=None,
        channel=section.channel,
        kind=Story.Kind.CURATED,
        action="publish",
        section=section,
        headline="Ferry Sails On",
        excerpt="The ferry sailed on, carrying families across the strait.",
        original_url="https://ledger.example/2017/07/ferry",
        original_published_at=dt.datetime(
            2017, 7, 25, 14, 1, tzinfo=ZoneInfo("America/Los_Angeles")
        ),
        time_zone="America/Los_Angeles",
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert "July 25, 2017, 2:01 PM PDT" in page and "2017-07-25T21:01" in page
    # The lists go by when the channel published it; the page says both, each for what it is.
    assert f"in {section.channel.name} since" in page
    assert story.published_at.isoformat().replace("+00:00", "")[:16] in page


def test_a_publisher_without_a_name_is_named_once_by_its_domain(client: Any, section: Any) -> None:
    story = services.story_save(
        actor=None,
        channel=section.channel,
        kind=Story.Kind.CURATED,
        action="publish",
        section=section,
        headline="A Note From Elsewhere",
        original_url="https://www.example.com/note",
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert "at example.com" in page and "(example.com)" not in page


def test_a_curated_story_without_a_body_shows_its_excerpt(client: Any, section: Any) -> None:
    story = services.story_save(
        actor=None,
        channel=section.channel,
        kind=Story.Kind.CURATED,
        action="publish",
        section=section,
        headline="Ferry Sails On",
        excerpt="The ferry sailed on, carrying families across the strait.",
        original_url="https://ledger.example/2017/07/ferry",
    )
    page = client.get(story.get_absolute_url()).content.decode()
    body = page.split('class="story-body"', 1)[1].split("</div>", 1)[0]
    assert "carrying families across the strait" in body


def test_a_story_dated_by_day_alone_keeps_it_when_kept_published(client: Any, section: Any) -> None:
    day = dt.datetime(2017, 7, 25, tzinfo=dt.UTC)
    story = services.story_save(
        actor=None, channel=section.channel, action="draft", section=section, headline="Old News"
    )
    story = services.story_publish(actor=None, story=story, at=day, date_only=True)
    kept = services.story_save(
        actor=None, channel=section.channel, story=story, action="publish", headline="Old News!"
    )
    assert kept.published_at == day and kept.published_date_only
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "July 25, 2017</time>" in page and "12:00 AM" not in page
