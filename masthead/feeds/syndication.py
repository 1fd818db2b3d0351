"""The feeds as Django syndication ``Feed`` classes: what a feed is about (``Scope``: the
site, a channel, a section, a member's followed channels) and how each story becomes an
item. One class per scope; the format is the ``feed_type`` each URL gives (urls.py).

``Feed`` instances are shared by every request, so nothing about a request is kept on them:
``get_object`` returns the ``Scope``, which carries the request's absolute base, and the
items are ``Entry`` values pairing a story with its scope.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from masthead.channels import selectors as channel_selectors
from masthead.channels.models import Channel
from masthead.core.numbers import PAGE_MAX, whole_number
from masthead.core.sanitize import story_html_for_feed
from masthead.core.timefmt import zone
from masthead.core.xmltext import xml_text
from masthead.stories.models import Story, names_in_byline

from . import selectors
from .generators import AtomFeed, Category, Image, JsonFeed, RssFeed

FORMATS: dict[str, type[RssFeed | AtomFeed | JsonFeed]] = {
    "rss": RssFeed,
    "atom": AtomFeed,
    "json": JsonFeed,
}


def headline_text(headline: str) -> str:
    return xml_text(headline) if xml_text(headline).strip() else _("Untitled story")


def byline_names(byline: str) -> list[str]:
    return names_in_byline(xml_text(byline))


@dataclass(frozen=True)
class Scope:
    """One feed document: what it is about, where it is, which stories it lists."""

    title: str
    description: str
    author: str  # the feed's author: entries without a byline fall back to it (RFC 4287)
    page_path: str  # the HTML page the feed mirrors
    feed_path: str  # this format's first page
    base: str  # scheme and host of the request: feeds carry absolute URLs
    page: selectors.FeedPage

    def absolute(self, path: str) -> str:
        return self.base + path

    def page_url(self, number: int) -> str:
        return self.absolute(self.feed_path + (f"?page={number}" if number > 1 else ""))


@dataclass(frozen=True)
class Entry:
    story: Story
    scope: Scope


def _page_number(request: HttpRequest) -> int:
    """``?page=N`` as JSON Feed's next_url and RFC 5005's links write it; anything else that
    is not a page is refused (404), as is a page past the last."""
    raw = request.GET.get("page")
    if raw is None:
        return 1
    number = whole_number(raw, maximum=PAGE_MAX)  # "02" is page 2, as the page cache keys it
    if number is None or not 1 <= number <= selectors.FEED_PAGES:
        raise Http404(_("No such page of this feed."))
    return number


def _found(page: selectors.FeedPage | None) -> selectors.FeedPage:
    if page is None:
        raise Http404(_("No such page of this feed."))
    return page


def _image(story: Story, scope: Scope) -> Image | None:
    if not story.image:
        return None
    name = story.image.name or ""
    return Image(
        url=scope.absolute(story.image.url),
        mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        width=story.image_width,
        height=story.image_height,
        size=story.image_bytes,
        caption=xml_text(story.image_caption),
        credit=xml_text(story.image_credit),
        alt=xml_text(story.image_alt),
    )


class StoryFeed(Feed):
    """The items of every Masthead feed; subclasses say what the feed is about."""

    feed_type: Any = RssFeed

    def scope(self, request: HttpRequest, number: int, **kwargs: Any) -> Scope:
        raise NotImplementedError

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Scope:
        return self.scope(request, _page_number(request), **kwargs)

    def _scope(
        self,
        request: HttpRequest,
        *,
        title: str,
        description: str,
        author: str,
        page_path: str,
        page: selectors.FeedPage,
    ) -> Scope:
        return Scope(
            title=xml_text(title),
            description=xml_text(description or title),
            author=xml_text(author),
            page_path=page_path,
            feed_path=request.path,
            base=f"{request.scheme}://{request.get_host()}",
            page=page,
        )

    # The feed.

    def title(self, obj: Scope) -> str:
        return obj.title

    def link(self, obj: Scope) -> str:
        return obj.absolute(obj.page_path)

    def description(self, obj: Scope) -> str:
        return obj.description

    def subtitle(self, obj: Scope) -> str:
        return obj.description

    def feed_url(self, obj: Scope) -> str:
        return obj.page_url(obj.page.number)

    def feed_guid(self, obj: Scope) -> str:
        # The first page's address: an absolute IRI, the same whichever page is read.
        return obj.page_url(1)

    def author_name(self, obj: Scope) -> str:
        return obj.author

    def author_link(self, obj: Scope) -> str:
        return obj.absolute(obj.page_path)

    def feed_extra_kwargs(self, obj: Scope) -> dict[str, Any]:
        number = obj.page.number
        return {
            "updated": obj.page.updated,
            "next_url": obj.page_url(number + 1) if obj.page.has_next else None,
            "previous_url": obj.page_url(number - 1) if number > 1 else None,
        }

    def items(self, obj: Scope) -> list[Entry]:
        return [Entry(story, obj) for story in obj.page.stories]

    # Each item.

    def item_title(self, item: Entry) -> str:
        # A headline of nothing but characters XML cannot carry still needs a title (RSS
        # asks for a title or a description, Atom for a title).
        return headline_text(item.story.headline)

    def item_description(self, item: Entry) -> str:
        return xml_text(item.story.excerpt)

    def item_link(self, item: Entry) -> str:
        return item.scope.absolute(item.story.get_absolute_url())

    def item_guid(self, item: Entry) -> str:
        # RFC 4122's URN of the public id: the same whatever the headline, slug or section.
        return uuid.UUID(str(item.story.public_id)).urn

    def item_guid_is_permalink(self, item: Entry) -> bool:
        return False

    def item_pubdate(self, item: Entry) -> Any:
        story = item.story
        assert story.published_at is not None  # published() lists only stories with a time
        return story.published_at.astimezone(_zone(story)).replace(microsecond=0)

    def item_updateddate(self, item: Entry) -> Any:
        story = item.story
        assert story.published_at is not None
        # A story scheduled ahead was last saved before it appeared: never updated before then.
        return (
            max(story.updated_at, story.published_at)
            .astimezone(_zone(story))
            .replace(microsecond=0)
        )

    def item_author_name(self, item: Entry) -> str | None:
        names = byline_names(item.story.byline)
        return names[0] if names else None

    def item_categories(self, item: Entry) -> list[str]:
        return [item.story.channel.name, item.story.section.name]

    def item_extra_kwargs(self, item: Entry) -> dict[str, Any]:
        story, scope = item.story, item.scope
        channel_url = Channel.path_of(story.channel.slug)
        image = _image(story, scope)
        link = self.item_link(item)
        return {
            "authors": byline_names(story.byline),
            "category_links": [
                Category(story.channel.slug, xml_text(story.channel.name), scope.absolute("/")),
                Category(
                    story.section.slug, xml_text(story.section.name), scope.absolute(channel_url)
                ),
            ],
            "summary": xml_text(story.excerpt),
            "image": image,
            "external_url": story.original_url if story.is_curated else "",
            "content_html": xml_text(
                render_to_string(
                    "feeds/entry_content.html",
                    {
                        "story": story,
                        "image": image,
                        "body_html": story_html_for_feed(story.body, base_url=link)
                        if not story.is_curated
                        else "",
                    },
                )
            ),
        }


def _zone(story: Story) -> Any:
    return zone(story.time_zone)


class SiteFeed(StoryFeed):
    def scope(self, request: HttpRequest, number: int, **kwargs: Any) -> Scope:
        site = settings.MASTHEAD_SITE_NAME
        return self._scope(
            request,
            title=site,
            description=str(settings.MASTHEAD_SITE_TAGLINE),
            author=site,
            page_path=reverse("pages:latest"),
            page=_found(selectors.feed_page(number=number)),
        )


class ChannelFeed(StoryFeed):
    def scope(self, request: HttpRequest, number: int, **kwargs: Any) -> Scope:
        channel = channel_selectors.channel_get(kwargs["channel"])  # 404 for an unknown slug
        return self._scope(
            request,
            title=f"{channel.name} · {settings.MASTHEAD_SITE_NAME}",
            description=channel.tagline,
            author=channel.name,
            page_path=channel.get_absolute_url(),
            page=_found(selectors.feed_page(channel_id=channel.pk, number=number)),
        )


class SectionFeed(StoryFeed):
    def scope(self, request: HttpRequest, number: int, **kwargs: Any) -> Scope:
        section = channel_selectors.section_get(
            channel_slug=kwargs["channel"], slug=kwargs["section"]
        )
        channel = section.channel
        return self._scope(
            request,
            title=f"{section.name} · {channel.name} · {settings.MASTHEAD_SITE_NAME}",
            description=channel.tagline,
            author=channel.name,
            page_path=section.get_absolute_url(),
            page=_found(
                selectors.feed_page(channel_id=channel.pk, section_id=section.pk, number=number)
            ),
        )


class FollowedFeed(StoryFeed):
    """A member's followed channels, at an address only they know (their token)."""

    def scope(self, request: HttpRequest, number: int, **kwargs: Any) -> Scope:
        member = selectors.member_for_token(kwargs["token"])
        if member is None:
            raise Http404(
                _("This feed address was reset or never existed. Yours is on your feeds page.")
            )
        site = settings.MASTHEAD_SITE_NAME
        return self._scope(
            request,
            title=_("Followed channels · %(site)s") % {"site": site},
            description=_("The newest stories of the channels you follow."),
            author=site,
            page_path=reverse("pages:home"),
            page=_found(
                selectors.feed_page(
                    channel_ids=channel_selectors.followed_channel_ids(member), number=number
                )
            ),
        )
