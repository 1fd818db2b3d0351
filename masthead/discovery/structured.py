"""A story page as search engines and link previews read it: the schema.org ``NewsArticle``
and ``BreadcrumbList`` of its JSON-LD, and the values of its OpenGraph and Twitter card tags.

Data, not markup: the page's template prints them (``discovery/_story_head.html``), the JSON
through the ``json_ld`` filter, which keeps a hostile headline from closing its script
element. Every type and property used here is in schema.org 12.0 (tests/test_structured.py
checks them against the vocabulary in ../shared/data/schemaorg/).

Times carry the story's own zone, as its page shows them. A writer named in a byline has no
page of their own here: their ``url`` is the search for their name, which lists what they
wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from masthead.core.timefmt import zone
from masthead.stories.models import Story, names_in_byline

from .selectors import changed

LOGO = "masthead/logo.png"
LOGO_SIZE = 512  # pixels, square


def _time(moment: dt.datetime, zone_name: str) -> str:
    return moment.astimezone(zone(zone_name)).isoformat(timespec="seconds")


def _language() -> str:
    """BCP 47, as ``inLanguage`` and ``og:locale`` want it: ``en-US``."""
    language, _sep, region = translation.get_language().partition("-")
    return f"{language}-{region.upper()}" if region else language


@dataclass(frozen=True)
class StoryMeta:
    """What a story page tells crawlers: ``graph`` for its JSON-LD, the rest for its meta
    tags."""

    url: str
    title: str
    description: str
    image: dict[str, Any] | None  # url, width, height, alt
    published: str
    modified: str
    section: str
    site_name: str
    site_tagline: str  # the page's description when the story has no excerpt
    locale: str  # og:locale: en_US
    graph: dict[str, Any]


def story_meta(story: Story, base: str) -> StoryMeta:
    """``story``'s structured data; ``base`` is the scheme and host its page was asked at."""
    url = base + story.get_absolute_url()
    published_at = story.published_at or story.created_at
    published = _time(published_at, story.time_zone)
    modified = _time(changed(story.updated_at, published_at), story.time_zone)
    description = story.excerpt.strip()
    site = {
        "@type": "Organization",
        "@id": base + "/#organization",
        "name": settings.MASTHEAD_SITE_NAME,
        "url": base + "/",
        "logo": {
            "@type": "ImageObject",
            "url": base + static(LOGO),
            "width": LOGO_SIZE,
            "height": LOGO_SIZE,
        },
    }
    article: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": url + "#article",
        "headline": story.headline,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": published,
        "dateModified": modified,
        "publisher": site,
        "sourceOrganization": {
            "@type": "Organization",
            "name": story.channel.name,
            "url": base + story.channel.get_absolute_url(),
        },
        "articleSection": story.section.name,
        "inLanguage": _language(),
        "commentCount": story.comment_count,
        "discussionUrl": url + "#comments",
    }
    if description:
        article["description"] = description
    if authors := names_in_byline(story.byline):  # a byline of none ("Staff") names no one
        article["author"] = [
            {"@type": "Person", "name": name, "url": _search_url(base, name)} for name in authors
        ]
    image = None
    if story.image:
        image = {
            "url": base + story.image.url,
            "width": story.image_width,
            "height": story.image_height,
            "alt": story.image_alt or story.image_caption,
        }
        photo: dict[str, Any] = {
            "@type": "ImageObject",
            "url": image["url"],
            "contentUrl": image["url"],
        }
        if story.image_width and story.image_height:
            photo |= {"width": story.image_width, "height": story.image_height}
        if story.image_caption:
            photo["caption"] = story.image_caption
        if story.image_credit:
            photo["creditText"] = story.image_credit
        article["image"] = photo
    if story.kind == Story.Kind.CURATED and story.original_url:
        original: dict[str, Any] = {"@type": "NewsArticle", "url": story.original_url}
        if story.original_published_at:
            original["datePublished"] = _time(story.original_published_at, story.time_zone)
        if story.source is not None:
            original["publisher"] = {
                "@type": "Organization",
                "name": story.source.name,
                "url": f"https://{story.source.domain}/",
            }
        article["isBasedOn"] = original
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": item}
            for position, (name, item) in enumerate(
                [
                    (settings.MASTHEAD_SITE_NAME, base + "/"),
                    (story.channel.name, base + story.channel.get_absolute_url()),
                    (story.section.name, base + story.get_section_url()),
                ],
                start=1,
            )
        ],
    }
    return StoryMeta(
        url=url,
        title=story.headline,
        description=description,
        image=image,
        published=published,
        modified=modified,
        section=story.section.name,
        site_name=settings.MASTHEAD_SITE_NAME,
        site_tagline=str(settings.MASTHEAD_SITE_TAGLINE),
        locale=_language().replace("-", "_"),
        graph={"@context": "https://schema.org", "@graph": [article, breadcrumbs]},
    )


def _search_url(base: str, name: str) -> str:
    return base + reverse("search:search") + "?" + urlencode({"q": f'"{name}"'})
