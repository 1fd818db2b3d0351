"""Reads behind story pages and lists."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from masthead.channels.models import Channel, Section
from masthead.core import public_id, versions
from masthead.core.localcache import LocalCache

from .models import Story, StoryQuerySet

STORIES_PER_PAGE = 20
MORE_STORIES_COUNT = 6  # the "Stories" list under a story
LOCAL_STORY_SECONDS = 30  # a renamed channel or section shows on its story pages within this
_local = LocalCache(max_entries=512)
MORE_STORIES_SECONDS = 60  # a story scheduled for now joins the lists within this time


def _listing(qs: StoryQuerySet, now: dt.datetime | None = None) -> QuerySet[Story]:
    return (
        qs.published(now)
        .newest_first()
        .select_related("channel", "section", "source")
        .only(*_LISTING_FIELDS)
    )


_LISTING_FIELDS = (
    "public_id",
    "headline",
    "slug",
    "byline",
    "published_at",
    "published_date_only",
    "time_zone",
    "excerpt",
    "kind",
    "comment_count",
    "hotness",
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "channel__slug",
    "channel__name",
    "section__slug",
    "section__name",
    "source__name",
    "source__domain",
)


def story_list_front(*, page: int | str | None = 1) -> Page[Story]:
    return Paginator(_listing(Story.objects.all()), STORIES_PER_PAGE).get_page(page)


def story_list_channel(*, channel: Channel, page: int | str | None = 1) -> Page[Story]:
    return Paginator(_listing(Story.objects.filter(channel=channel)), STORIES_PER_PAGE).get_page(
        page
    )


def story_list_channels(*, channel_ids: list[int], page: int | str | None = 1) -> Page[Story]:
    """The newest stories of the given channels (a member's followed ones)."""
    return Paginator(
        _listing(Story.objects.filter(channel_id__in=channel_ids)), STORIES_PER_PAGE
    ).get_page(page)


def story_list_section(*, section: Section, page: int | str | None = 1) -> Page[Story]:
    return Paginator(_listing(Story.objects.filter(section=section)), STORIES_PER_PAGE).get_page(
        page
    )


def _channel_stories_version(channel_id: int) -> str:
    return f"stories:channel:{channel_id}"


def story_list_more_forget(channel_id: int) -> None:
    """After a publication in the channel."""
    versions.bump(_channel_stories_version(channel_id))


@dataclass(frozen=True)
class StoryLink:
    """What a list of links to stories shows of each: small to keep, quick to print."""

    id: int
    headline: str
    url: str
    section_name: str
    section_url: str
    published_at: dt.datetime | None
    published_date_only: bool
    time_zone: str
    # Lists of stories from many channels name each one's (search.selectors.related_list).
    channel_name: str = ""
    channel_url: str = ""

    @classmethod
    def of(cls, story: Story, *, with_channel: bool = False) -> StoryLink:
        """The link to ``story`` (its section loaded; its channel too ``with_channel``)."""
        return cls(
            id=story.pk,
            headline=story.headline,
            url=story.get_absolute_url(),
            section_name=story.section.name,
            section_url=story.get_section_url(),
            published_at=story.published_at,
            published_date_only=story.published_date_only,
            time_zone=story.time_zone,
            channel_name=story.channel.name if with_channel else "",
            channel_url=story.channel.get_absolute_url() if with_channel else "",
        )


def story_list_more(*, story: Story, limit: int = MORE_STORIES_COUNT) -> list[StoryLink]:
    """More stories from the story's channel, newest first, without the story itself.

    Every story page of the channel shows them, so the channel's newest are kept in the shared
    cache, under a version that publishing in the channel bumps (services.story_pages_changed).
    """
    version = versions.current(_channel_stories_version(story.channel_id))
    key = f"stories:more:v2:{story.channel_id}:{version}"
    newest: list[StoryLink] | None = cache.get(key)
    if newest is None:
        newest = [
            StoryLink.of(other)
            for other in _listing(Story.objects.filter(channel_id=story.channel_id))[: limit + 1]
        ]
        cache.set(key, newest, MORE_STORIES_SECONDS)
    return [other for other in newest if other.id != story.pk][:limit]


def story_get_by_public_id(key: str) -> Story | None:
    value: uuid.UUID | None = public_id.decode(key)
    if value is None:
        return None
    # get(), not first(): no ORDER BY to compile. The source is left to load when a page
    # shows it; most requests for a story page are answered before that (pages/member_page.py).
    try:
        return Story.objects.select_related("channel", "section").get(public_id=value)
    except Story.DoesNotExist:
        return None


def story_version(key: str) -> tuple[int, int] | None:
    """(id, revision) of the live story ``key`` names, in one narrow query; None for no story,
    or one readers cannot see. For what is made once per revision (api/representations.py)."""
    value: uuid.UUID | None = public_id.decode(key)
    if value is None:
        return None
    try:
        found: tuple[int, int] = (
            Story.objects.published().values_list("pk", "revision").get(public_id=value)
        )
    except Story.DoesNotExist:
        return None
    return found


def story_for_page(key: str) -> Story | None:
    """The story behind a story page, read in full at most once per change.

    Every write to a story bumps its revision (services, discussion services, the admin) or,
    through save(), its updated_at; so a story read under both is the story. The page asks the
    database for those two only (a query a third the cost of the story with its channel and
    section) and keeps the rest in memory. Channel and section names follow within
    LOCAL_STORY_SECONDS.
    """
    return _story_kept(key, counts=True)


def story_for_comment(key: str) -> Story | None:
    """The story a comment is posted to. Its counters (comment and thread counts, revision)
    may be behind: the comment services count under the story's lock and never read them
    from here. Everything a post checks (status, time, comments open, URL) changes only through
    save(), which moves updated_at; so this copy survives the stream of comments that would
    make story_for_page read the story again on every post.
    """
    return _story_kept(key, counts=False)


def _story_kept(key: str, *, counts: bool) -> Story | None:
    value = public_id.decode(key)
    if value is None:
        return None
    fields = ("pk", "updated_at", "revision") if counts else ("pk", "updated_at")
    try:
        pk, updated, *revision = Story.objects.filter(public_id=value).values_list(*fields).get()
    except Story.DoesNotExist:
        return None
    prefix = "story:page:v1" if counts else "story:post:v1"
    story: Story | None = _local.get(f"{prefix}:{value}:{updated.isoformat()}:{revision}")
    if story is None:
        story = Story.objects.select_related("channel", "section").get(pk=pk)
        current = [story.revision] if counts else []
        _local.set(
            f"{prefix}:{value}:{story.updated_at.isoformat()}:{current}", story, LOCAL_STORY_SECONDS
        )
    # A copy: the kept instance is shared by this process's requests, and callers may set
    # attributes (refresh_from_db) on theirs.
    return copy.copy(story)


def story_list_for_curator(*, channel: Channel) -> QuerySet[Story]:
    return Story.objects.filter(channel=channel).select_related("section").order_by("-updated_at")


def story_list_filtered(
    *,
    channel: str | None = None,
    section: str | None = None,
    kind: str | None = None,
    source: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = STORIES_PER_PAGE,
) -> list[Story]:
    """Public stories, newest first, filtered by slugs and times; ``after`` continues from a
    story's (published_at, id) (keyset paging, the cost of every page the same). A filter
    naming nothing that exists finds nothing. ``since`` is inclusive, ``until`` exclusive."""
    stories = Story.objects.all()
    if channel is not None:
        stories = stories.filter(channel__slug=channel)
    if section is not None:
        stories = stories.filter(section__slug=section)
    if kind is not None:
        stories = stories.filter(kind=kind)
    if source is not None:
        stories = stories.filter(source__domain=source)
    if since is not None:
        stories = stories.filter(published_at__gte=since)
    if until is not None:
        stories = stories.filter(published_at__lt=until)
    listing = _listing(stories).only(
        *_LISTING_FIELDS,
        "original_url",
        "image_caption",
        "image_credit",
    )
    if after is not None:
        published_at, pk = after
        listing = listing.filter(
            Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=pk)
        )
    return list(listing[:limit])
