"""Reads behind the sitemaps: which public URLs each sitemap file lists, with the time each
last changed, and which files the index names. Drafts, scheduled stories not yet due and
withdrawn stories are never listed (the stories app's ``published()``); member pages never.

A channel's sitemap holds its channel page, its section pages and its stories, oldest story
first, so a new story lands on the last file and the files before it stay as they were;
past SITEMAP_URLS it goes on in ``?page=2`` and on (the protocol's limit per file). The news
sitemap holds the stories published in the last NEWS_WINDOW, newest first, NEWS_URLS a file
(Google News's limits).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone

from masthead.channels.models import Channel, Section
from masthead.stories.models import Story, StoryQuerySet

SITEMAP_URLS = 50_000  # sitemaps.org: at most 50,000 URLs a file
NEWS_URLS = 1_000  # Google News: at most 1,000 a file
NEWS_WINDOW = dt.timedelta(hours=48)  # Google News: the stories of the last two days


@dataclass(frozen=True)
class SitemapUrl:
    path: str
    lastmod: dt.datetime | None


@dataclass(frozen=True)
class NewsUrl:
    path: str
    headline: str
    published_at: dt.datetime | None
    time_zone: str


@dataclass(frozen=True)
class SitemapFile:
    path: str  # with its ?page= past the first
    lastmod: dt.datetime | None


def changed(updated_at: dt.datetime, published_at: dt.datetime | None) -> dt.datetime:
    """When a story last changed for a reader: its last edit, or its publication when that
    came later (a story scheduled yesterday for today changes today)."""
    return max(updated_at, published_at) if published_at is not None else updated_at


def _pages(count: int, per_file: int) -> int:
    return max(1, math.ceil(count / per_file))


def _page_path(path: str, number: int) -> str:
    return path if number == 1 else f"{path}?page={number}"


def _newest(rows: Iterable[dict[str, object]], key: str) -> dict[object, dt.datetime]:
    """``{key: newest change}`` from rows grouped by ``key`` with ``updated``/``published``."""
    found: dict[object, dt.datetime] = {}
    for row in rows:
        moment = changed(row["updated"], row["published"])  # type: ignore[arg-type]
        found[row[key]] = max(moment, found.get(row[key], moment))
    return found


def _changes_by(field: str, **scope: object) -> dict[object, dt.datetime]:
    """The newest change among the stories of the scope that are or were listed: published
    and due, or since withdrawn or taken back to draft (they keep their publication time). A
    story leaving changes the listing too, so its lastmod moves forward, never back to the
    story before it; a draft never published, or a story scheduled for later, changes
    nothing a reader sees."""
    return _newest(
        Story.objects.filter(published_at__lte=timezone.now(), **scope)
        .values(field)
        .annotate(updated=Max("updated_at"), published=Max("published_at")),
        field,
    )


def site_urls() -> list[SitemapUrl]:
    """The site's own listing pages: the front page and Latest."""
    newest = max(_changes_by("channel_id").values(), default=None)
    return [SitemapUrl("/", newest), SitemapUrl("/latest", newest)]


def channel_urls(channel: Channel, number: int) -> list[SitemapUrl] | None:
    """The ``number``-th file of ``channel``'s sitemap; None past its last."""
    if number < 1:
        return None
    sections = list(channel.sections.order_by("position", "pk"))
    lead = 1 + len(sections)  # the channel page and its section pages open the first file
    stories = Story.objects.filter(channel=channel).published().order_by("pk")
    start = max(0, (number - 1) * SITEMAP_URLS - lead)
    stop = number * SITEMAP_URLS - lead
    rows = list(
        stories.values_list("section__slug", "slug", "public_id", "updated_at", "published_at")[
            start:stop
        ]
    )
    if number > 1 and not rows:
        return None
    urls = []
    if number == 1:
        by_section = _changes_by("section_id", channel=channel)
        urls.append(SitemapUrl(channel.get_absolute_url(), max(by_section.values(), default=None)))
        urls += [
            SitemapUrl(section.get_absolute_url(), by_section.get(section.pk))
            for section in sections
        ]
    urls += [
        SitemapUrl(
            Story.path_of(channel=channel.slug, section=section, slug=slug, key=key),
            changed(updated_at, published_at),
        )
        for section, slug, key, updated_at, published_at in rows
    ]
    return urls


def news_language(code: str) -> str:
    """Google News's language for the site's: ISO 639 (``en-us`` is ``en``), but for the two
    Chinese scripts it names ``zh-cn`` and ``zh-tw``."""
    code = code.lower().replace("_", "-")
    if code.startswith("zh"):
        return "zh-tw" if code in {"zh-tw", "zh-hant", "zh-hk", "zh-hant-tw"} else "zh-cn"
    return code.split("-", 1)[0]


def _news_stories(now: dt.datetime) -> StoryQuerySet:
    return Story.objects.published(now).filter(published_at__gte=now - NEWS_WINDOW)


def news_urls(number: int, now: dt.datetime | None = None) -> list[NewsUrl] | None:
    """The ``number``-th file of the news sitemap (page 1 always exists, if empty); None past
    its last."""
    if number < 1:
        return None
    now = now or timezone.now()
    start = (number - 1) * NEWS_URLS
    rows = list(
        _news_stories(now)
        .newest_first()
        .values_list(
            "channel__slug",
            "section__slug",
            "slug",
            "public_id",
            "headline",
            "published_at",
            "time_zone",
        )[start : start + NEWS_URLS]
    )
    if number > 1 and not rows:
        return None
    return [
        NewsUrl(
            Story.path_of(channel=channel, section=section, slug=slug, key=key),
            headline,
            published_at,  # never None: published() lists due stories only
            time_zone,
        )
        for channel, section, slug, key, headline, published_at, time_zone in rows
    ]


def sitemap_files(now: dt.datetime | None = None) -> list[SitemapFile]:
    """What the index names: the site's sitemap, each file of each channel's, and each file
    of the news sitemap when a story is in its window."""
    now = now or timezone.now()
    stories = _changes_by("channel_id")
    counts = dict(
        Story.objects.published(now)
        .values("channel_id")
        .annotate(n=Count("pk"))
        .values_list("channel_id", "n")
    )
    sections = dict(
        Section.objects.values("channel_id").annotate(n=Count("pk")).values_list("channel_id", "n")
    )
    files = [SitemapFile("/sitemap-site.xml", max(stories.values(), default=None))]
    for channel in Channel.objects.order_by("slug"):
        urls = 1 + sections.get(channel.pk, 0) + counts.get(channel.pk, 0)
        path = channel.get_absolute_url() + "sitemap.xml"
        files += [
            SitemapFile(_page_path(path, number), stories.get(channel.pk))
            for number in range(1, _pages(urls, SITEMAP_URLS) + 1)
        ]
    if in_window := _news_stories(now).count():
        # The site's newest change: a story leaving the window by withdrawal moves it too.
        newest = max(stories.values(), default=None)
        files += [
            SitemapFile(_page_path("/sitemap-news.xml", number), newest)
            for number in range(1, _pages(in_window, NEWS_URLS) + 1)
        ]
    return files
