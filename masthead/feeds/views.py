"""The feeds' HTTP: each feed behind the page cache (public ones) with ETag, Last-Modified
and 304s on the ETag; a member's private feeds uncached and marked private; the page where a member
finds and resets their private address."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masthead.accounts.auth import member_of
from masthead.channels import selectors as channel_selectors
from masthead.core import ratelimit
from masthead.core.pagecache import LISTING_SECONDS, cache_for_anonymous, etag_for

from . import selectors, services
from .syndication import FORMATS, ChannelFeed, FollowedFeed, SectionFeed, SiteFeed, StoryFeed

View = Callable[..., HttpResponseBase]


def _conditional(view: View) -> View:
    """The ETag the page cache gives the same bytes, and a 304 when the reader has them: by
    ETag only, as the page cache answers (its ``_not_modified`` says why a date is not
    enough)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or not isinstance(response, HttpResponse):
            return response
        response["ETag"] = etag_for(response.content)
        answer = get_conditional_response(request, etag=response["ETag"], response=response)
        return answer if answer is not None else response

    return wrapped


def _public(feed: StoryFeed) -> View:
    """A feed anyone may read: cached like a listing page (a story scheduled for now joins it
    within LISTING_SECONDS), readable from other sites' scripts."""

    @cache_for_anonymous(LISTING_SECONDS)
    @_conditional
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        response = feed(request, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return view


def _private(feed: StoryFeed) -> View:
    """A member's feed: its address is the secret, so no shared cache keeps it, no search
    engine lists it and no link followed from it carries it away; a reset address stops
    working at once, which a cached copy would not."""

    @_conditional
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        response = feed(request, **kwargs)
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return view


def _each_format(make: type[StoryFeed], wrap: Callable[[StoryFeed], View]) -> dict[str, View]:
    feeds = {}
    for kind, generator in FORMATS.items():
        feed = make()
        feed.feed_type = generator
        feeds[kind] = wrap(feed)
    return feeds


SITE = _each_format(SiteFeed, _public)
CHANNEL = _each_format(ChannelFeed, _public)
SECTION = _each_format(SectionFeed, _public)
FOLLOWED = _each_format(FollowedFeed, _private)


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The member's private feed addresses (or the button that makes them), the channels
    they cover, and the button that resets them."""
    member = member_of(request)
    token = selectors.feed_token_of(member)
    context = {
        "token": token.token if token is not None else None,
        "channels": channel_selectors.channels_followed(member),
    }
    response = render(request, "feeds/settings.html", context)
    response["Cache-Control"] = "private, no-store"
    # The site's Referrer-Policy (same-origin) stays: the page's address holds no secret, and
    # under "no-referrer" Chromium posts the page's own forms with "Origin: null", which the
    # CSRF check refuses (the buttons answered 403).
    return response


@login_required
@require_POST
@ratelimit.limited("profile")
def feed_token_create(request: HttpRequest) -> HttpResponseBase:
    member = member_of(request)
    services.feed_token_get_or_create(actor=member, member=member)
    return redirect("feeds:settings")


@login_required
@require_POST
@ratelimit.limited("profile")
def feed_token_reset(request: HttpRequest) -> HttpResponseBase:
    member = member_of(request)
    services.feed_token_reset(actor=member, member=member)
    messages.success(request, _("Your feeds have a new address. The old one no longer works."))
    return redirect("feeds:settings")
