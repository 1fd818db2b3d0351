"""Reads behind pages: a story's related stories."""

from __future__ import annotations

from django.utils import timezone

from masthead.stories.models import Story
from masthead.stories.selectors import StoryLink

from .models import RelatedStory
from .related import RELATED_SHOWN


def related_list(*, story: Story, limit: int = RELATED_SHOWN) -> list[StoryLink]:
    """The story's related stories for its page: of the closest kept, the ``limit`` closest
    that are public now, newest first. One query; nothing is computed here (services.py
    keeps the lists), and a story withdrawn or unpublished is left out by this query itself."""
    rows = (
        RelatedStory.objects.filter(
            story_id=story.pk,
            related__status__in=Story.LIVE_STATUSES,
            related__published_at__lte=timezone.now(),
        )
        .select_related("related__channel", "related__section")
        .only(
            "related__public_id",
            "related__headline",
            "related__slug",
            "related__published_at",
            "related__published_date_only",
            "related__time_zone",
            "related__channel__slug",
            "related__channel__name",
            "related__section__slug",
            "related__section__name",
        )
        .order_by("rank")[:limit]
    )
    links = [
        StoryLink(
            id=other.pk,
            headline=other.headline,
            url=other.get_absolute_url(),
            section_name=other.section.name,
            section_url=other.get_section_url(),
            published_at=other.published_at,
            published_date_only=other.published_date_only,
            time_zone=other.time_zone,
            channel_name=other.channel.name,
            channel_url=other.channel.get_absolute_url(),
        )
        for other in (row.related for row in rows)
    ]
    return sorted(links, key=lambda link: (link.published_at, link.id), reverse=True)
