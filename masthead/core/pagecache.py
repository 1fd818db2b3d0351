"""Whole-page cache for anonymous readers, shared by every server process.

Readers without a session see the same bytes, so a page rendered once is served from the
cache until something it shows changes. Services invalidate the pages a write changed after
its commit (``invalidate_story``, ``invalidate_paths``); listing pages, which show counts from
many stories, also expire after a short time.

Invalidation bumps a generation number per path rather than deleting the page: a reader whose
render began before the commit stores its (old) page under the old generation, where no later
reader looks. The lookup runs before sessions, authentication and URL resolution, so a hit
costs two cache reads. Only views that opt in with ``@cache_for_anonymous`` are stored, and
never a response that sets a cookie (a CSRF token, a message), so nothing personal can leak
into the cache. See docs/decisions/0003-page-cache.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

KEY_PREFIX = "page:v1:"
GENERATION_PREFIX = "pagegen:v1:"
LISTING_SECONDS = 60  # front, channel, section and profile pages: counts may lag this much
# Cookies that make a request personal: a session (a member, or a reader holding a flash
# message) bypasses the cache in both directions.
PERSONAL_COOKIES = ("sessionid", "messages")
STORED_HEADERS = ("Content-Type", "Content-Language", "Link")
CACHE_STATUS_HEADER = "X-Masthead-Cache"


class _HasUrl(Protocol):
    def get_absolute_url(self) -> str: ...


def _path_hash(path: str) -> str:
    return hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()


def _generation(path_hash: str) -> int:
    """The path's current generation. A missing one (new, or evicted) starts from the clock,
    so pages stored under any earlier generation can never come back."""
    key = GENERATION_PREFIX + path_hash
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns(), timeout=None)
        generation = cache.get(key)
    return int(generation or 0)


def _key(path: str, query: str) -> str:
    path_hash = _path_hash(path)
    return f"{KEY_PREFIX}{path_hash}:{_generation(path_hash)}:{query}"


def _cacheable_query(request: HttpRequest) -> str | None:
    """The query part that belongs in the key, or None if this query makes the page uncacheable."""
    if not request.GET:
        return ""
    if set(request.GET) == {"page"} and request.GET["page"].isdigit():
        return "page=" + request.GET["page"]
    return None


def _personal(request: HttpRequest) -> bool:
    return any(name in request.COOKIES for name in PERSONAL_COOKIES) or bool(
        request.headers.get("HX-Request") or request.headers.get("Authorization")
    )


def cache_for_anonymous(timeout: int | None = None) -> Callable[..., Any]:
    """Let the page cache keep this view's 200 responses to anonymous readers.

    ``timeout`` None keeps a page until its service invalidates it (bounded by
    MASTHEAD_PAGE_CACHE_SECONDS); listing pages pass LISTING_SECONDS.
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            response.masthead_cache_timeout = (  # type: ignore[attr-defined]
                timeout if timeout is not None else settings.MASTHEAD_PAGE_CACHE_SECONDS
            )
            return response

        return wrapped

    return decorator


def etag_for(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in tags or etag.removeprefix("W/") in tags


def _public_cache_control(response: HttpResponseBase) -> None:
    # Browsers and proxies may keep the page but must ask again (a 304 is cheap); a shared
    # cache in front may serve it for MASTHEAD_SHARED_CACHE_SECONDS without asking.
    directives: dict[str, Any] = {"public": True, "no_cache": True}
    if settings.MASTHEAD_SHARED_CACHE_SECONDS:
        directives["s_maxage"] = settings.MASTHEAD_SHARED_CACHE_SECONDS
    patch_cache_control(response, **directives)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "GET" or not settings.MASTHEAD_PAGE_CACHE or _personal(request):
            return self.get_response(request)
        query = _cacheable_query(request)
        if query is None:
            return self.get_response(request)
        key = _key(request.path, query)
        entry = cache.get(key)
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        timeout = getattr(response, "masthead_cache_timeout", None)
        if (
            timeout is not None
            and isinstance(response, HttpResponse)
            and response.status_code == 200
            and not response.cookies
            and _is_anonymous(request)
        ):
            self._store(key, response, timeout)
        return response

    def _store(self, key: str, response: HttpResponse, timeout: int) -> None:
        content = response.content
        etag = etag_for(content)
        response["ETag"] = etag
        _public_cache_control(response)
        headers = {name: response[name] for name in STORED_HEADERS if name in response}
        headers["Vary"] = response.get("Vary", "")
        cache.set(key, (etag, headers, content), timeout)
        response[CACHE_STATUS_HEADER] = "miss"

    def _from_entry(
        self, request: HttpRequest, entry: tuple[str, dict[str, str], bytes]
    ) -> HttpResponseBase:
        etag, headers, content = entry
        response: HttpResponseBase
        if _not_modified(request, etag):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(content, headers=headers)
        response["ETag"] = etag
        if headers.get("Vary"):
            response["Vary"] = headers["Vary"]
        _public_cache_control(response)
        response[CACHE_STATUS_HEADER] = "hit"
        return response


def _is_anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def invalidate_paths(paths: Iterable[str]) -> None:
    """Make the cached pages at ``paths`` (all their ?page= variants too) unreachable."""
    for path in set(paths):
        # No generation yet means nothing was cached under this path.
        with contextlib.suppress(ValueError):
            cache.incr(GENERATION_PREFIX + _path_hash(path))


def invalidate_story(story: _HasUrl) -> None:
    """Drop the cached page of a story; call after the commit that changed it."""
    invalidate_paths([story.get_absolute_url()])
