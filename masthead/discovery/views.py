"""The crawler's side of the site: robots.txt and the sitemaps, each behind the page cache
like a listing page (a story scheduled for now joins within LISTING_SECONDS; every story
service's invalidation reaches them: a channel's sitemap lives under the channel's URL, the
index and the news sitemap follow Latest)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from masthead.channels.models import Channel
from masthead.core.numbers import PAGE_MAX, whole_number
from masthead.core.pagecache import LISTING_SECONDS, cache_for_anonymous

from . import selectors

XML = "application/xml; charset=utf-8"
_Urls = TypeVar("_Urls")


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers keep out of members' pages and private feed addresses, and find the sitemap."""
    context = {"sitemap": request.build_absolute_uri(reverse("discovery:index"))}
    return render(
        request, "discovery/robots.txt", context, content_type="text/plain; charset=utf-8"
    )


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page")
    number = 1 if raw is None else whole_number(raw, maximum=PAGE_MAX)
    if number is None or number < 1:
        raise Http404(_("No such page of this sitemap."))
    return number


def _only_one_page(request: HttpRequest) -> None:
    """The index and the site's sitemap are one file each: a ?page= past the first is none."""
    _found(None if _page_number(request) > 1 else True)


def _found(urls: _Urls | None) -> _Urls:
    if urls is None:
        raise Http404(_("No such page of this sitemap."))
    return urls


def _xml(request: HttpRequest, template: str, context: Mapping[str, object]) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    return render(request, template, {**context, "base": base}, content_type=XML)


@cache_for_anonymous(LISTING_SECONDS)
def sitemap_index(request: HttpRequest) -> HttpResponse:
    _only_one_page(request)
    return _xml(request, "discovery/sitemap_index.xml", {"files": selectors.sitemap_files()})


@cache_for_anonymous(LISTING_SECONDS)
def site_sitemap(request: HttpRequest) -> HttpResponse:
    _only_one_page(request)
    return _xml(request, "discovery/urlset.xml", {"urls": selectors.site_urls()})


@cache_for_anonymous(LISTING_SECONDS)
def channel_sitemap(request: HttpRequest, channel: str) -> HttpResponse:
    found = get_object_or_404(Channel, slug=channel)
    urls = _found(selectors.channel_urls(found, _page_number(request)))
    return _xml(request, "discovery/urlset.xml", {"urls": urls})


@cache_for_anonymous(LISTING_SECONDS)
def news_sitemap(request: HttpRequest) -> HttpResponse:
    urls = _found(selectors.news_urls(_page_number(request)))
    context = {
        "urls": urls,
        "publication": settings.MASTHEAD_SITE_NAME,
        "language": selectors.news_language(settings.LANGUAGE_CODE),
    }
    return _xml(request, "discovery/news.xml", context)
