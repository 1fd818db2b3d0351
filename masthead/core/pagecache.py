"""Whole-page cache for anonymous readers, in front of Django.

Readers without a session see the same bytes, so a page rendered once is served from the
cache until something it shows changes. It sits in the WSGI stack before Django
(``masthead/wsgi.py``): a hit costs no request object, no middleware and no URL resolution,
which is what lets a Python server answer at a fair fraction of nginx's rate.

Two levels:

- each server process keeps recent pages in memory (``LOCAL_PAGES`` of them);
- the shared cache (Redis, or files on one machine) holds them for every process; but not
  the pages of a query (``cache_queries``: a search), which each process keeps for itself in
  a bounded set of its own, so that a stream of different queries fills neither.

Writes invalidate after their commit (``invalidate_story``, ``invalidate_paths``) by bumping a
generation number per path in the shared cache. A render stores its page under the generation
it read *before* rendering, so a render racing a write files its old page where no later reader
looks. A process trusts its in-memory copy for ``GENERATION_CHECK_SECONDS`` before asking the
shared cache whether the path moved on: readers served by another process may see a page up to
that long after the write; the writing process drops its copies at once. A page's timeout
holds in memory as in the shared cache: a listing whose counts no write invalidates is
rendered again once its LISTING_SECONDS are up, in every process.

Only views that opt in with ``@cache_for_anonymous`` are stored, and never a response that sets
a cookie (a CSRF token, a message), so nothing personal can enter the cache. A page is cached
without a query string or with ``?page=N``; a path registered with ``cache_queries`` (the
search page) also with a query made of the parameters it names, and it may follow other paths:
invalidating one of those invalidates it too. See docs/decisions/0003-page-cache.md.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.http.request import split_domain_port, validate_host
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from . import versions
from .numbers import PAGE_MAX, whole_number

KEY_PREFIX = "page:v3:"
LISTING_SECONDS = 60  # front, channel, section and profile pages: counts may lag this much
GENERATION_CHECK_SECONDS = 1.0  # how stale another process's copy of a page may be
LOCAL_PAGES = 256  # pages each process keeps in memory (a story page with comments: ~100 KB)
LOCAL_QUERY_PAGES = 128  # and pages of a query (a search: ~40 KB), in memory only
# Cookies that make a request personal: a session (a member, or a reader holding a flash
# message) bypasses the cache in both directions.
PERSONAL_COOKIES = ("sessionid=", "messages=")
CACHE_STATUS_HEADER = "X-Masthead-Cache"
MARK_HEADER = "X-Masthead-Cacheable"  # set by the decorator, removed before a response leaves

StartResponse = Callable[..., Any]
Headers = list[tuple[str, str]]


class _HasUrl(Protocol):
    def get_absolute_url(self) -> str: ...


@dataclass(slots=True)
class _Page:
    generation: str
    etag: str
    headers: Headers
    body: bytes
    checked: float
    expires: float  # time.time() after which the page is rendered again


class _Pages:
    """A process's copies of pages, the least recently used dropped past ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[str, str, str], _Page] = OrderedDict()  # (path, query, host)
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> _Page | None:
        return self._pages.get(key)

    def put(self, key: tuple[str, str, str], page: _Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def drop(self, gone: Callable[[str], bool]) -> None:
        """Forget the pages whose path is ``gone``."""
        with self._lock:
            for key in [key for key in self._pages if gone(key[0])]:
                del self._pages[key]

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


_local = _Pages(LOCAL_PAGES)
# Pages of a query (``cache_queries``: searches) are kept by each process only, apart from
# the others: every different query is a page, and a stream of them could otherwise fill the
# shared cache, or push the site's popular pages out of this one.
_local_queries = _Pages(LOCAL_QUERY_PAGES)


@dataclass(frozen=True, slots=True)
class _QueryPage:
    params: frozenset[str]
    follows: tuple[str, ...]


_query_pages: dict[str, _QueryPage] = {}  # path -> what its cacheable queries may carry


def cache_queries(path: str, *, params: Iterable[str], follows: Iterable[str] = ()) -> None:
    """Let the page cache keep the page at ``path`` per query string, when the query names
    only ``params``, each once; and file it under the versions of the paths in ``follows``
    too, so that invalidating one of them (``invalidate_paths``) invalidates it as well.

    The search page follows Latest (``/latest``): every service that changes which stories
    are public, or their text, invalidates it, and so every cached search; what moves only the
    Top page (comments, pins) does not. Called from an app's ``ready()``.
    """
    _query_pages[path] = _QueryPage(frozenset(params) | {"page"}, tuple(follows))


def cache_for_anonymous(timeout: int | None = None) -> Callable[..., Any]:
    """Let the page cache keep this view's 200 responses to anonymous readers.

    ``timeout`` None keeps a page until a service invalidates it (at most
    MASTHEAD_PAGE_CACHE_SECONDS); listing pages pass LISTING_SECONDS.
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not request.user.is_authenticated:
                seconds = timeout if timeout is not None else settings.MASTHEAD_PAGE_CACHE_SECONDS
                response[MARK_HEADER] = str(seconds)
                # Browsers and proxies may keep the page but must ask again (a 304 is cheap);
                # a CDN in front may serve it MASTHEAD_SHARED_CACHE_SECONDS without asking.
                directives: dict[str, Any] = {"public": True, "no_cache": True}
                if settings.MASTHEAD_SHARED_CACHE_SECONDS:
                    directives["s_maxage"] = settings.MASTHEAD_SHARED_CACHE_SECONDS
                patch_cache_control(response, **directives)
            return response

        return wrapped

    return decorator


def _hash(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _first_segment(path: str) -> str:
    """``/globallead/politics/x/`` -> ``/globallead/``: a channel's pages share it."""
    segment = path.lstrip("/").split("/", 1)[0]
    return f"/{segment}/" if segment else "/"


def _generation(path: str) -> str:
    """The generation a page at ``path`` is filed under: its own and its channel's (the
    first path segment's), and those of the paths it follows (``cache_queries``)."""
    registered = _query_pages.get(path)
    follows = registered.follows if registered else ()
    return versions.current(
        "page:" + _hash(path),
        "page:" + _hash(_first_segment(path)),
        *("page:" + _hash(followed) for followed in follows),
    )


def generation_of(path: str) -> str:
    """The generation of the pages at ``path``: it moves when they are invalidated. For what
    is made from the same rows as a page and must go stale with it (api/representations.py)."""
    return _generation(path)


def _shared_key(path: str, generation: str, query: str, host: str) -> str:
    # The host is part of the key: a page carries absolute URLs (its canonical link).
    return f"{KEY_PREFIX}{_hash(host + path)}:{generation}:{query}"


@lru_cache(maxsize=64)
def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, list(allowed))


def _valid_host(environ: dict[str, Any]) -> str | None:
    """The request's host if Django would accept it; a cached page is never an answer to a
    Host header the site does not serve (Django answers those with 400)."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return host if _host_allowed(host, tuple(settings.ALLOWED_HOSTS)) else None


QUERY_KEY_MAX = 2_000  # longer queries (a pasted article) are one of a kind: not stored
QUERY_HASHED_FROM = 100  # a longer query is keyed by its hash: the key stays short


def _cacheable_query(query_string: str, path: str = "") -> str | None:
    """The query part that belongs in the key, or None if the query makes the page personal
    or one of a kind (tracking parameters, unknown parameters, a repeated one)."""
    if not query_string:
        return ""
    if len(query_string) > QUERY_KEY_MAX:
        return None
    pairs = parse_qsl(query_string, keep_blank_values=True)
    registered = _query_pages.get(path)
    if registered is not None:
        return _registered_query(pairs, registered.params)
    if len(pairs) == 1 and pairs[0][0] == "page":
        # One key per page: "3", "03" and "٣" are one page, a number too long is none.
        number = whole_number(pairs[0][1], maximum=PAGE_MAX)
        return None if number is None else f"page={number}"
    return None


def _registered_query(pairs: list[tuple[str, str]], params: frozenset[str]) -> str | None:
    """One key for one query however it was spelled (order, percent-encoding, "+" or "%20").
    Values stay as they came: the view decides what they mean, so two spellings it reads
    alike may make two entries, never one entry for two pages."""
    names = [name for name, _value in pairs]
    if len(set(names)) != len(names) or not params.issuperset(names):
        return None
    values = dict(pairs)
    if "page" in values:
        number = whole_number(values["page"], maximum=PAGE_MAX)
        if number is None:
            return None
        values["page"] = str(number)
    key = urlencode(sorted(values.items()))
    return key if len(key) < QUERY_HASHED_FROM else "h:" + _hash(key)


def _personal(environ: dict[str, Any]) -> bool:
    cookies = environ.get("HTTP_COOKIE", "")
    return (
        any(name in cookies for name in PERSONAL_COOKIES)
        or "HTTP_HX_REQUEST" in environ
        or "HTTP_AUTHORIZATION" in environ
    )


def etag_for(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def _without_mark(headers: Headers) -> tuple[Headers, str | None]:
    mark = None
    kept = []
    for name, value in headers:
        if name == MARK_HEADER:
            mark = value
        else:
            kept.append((name, value))
    return kept, mark


class PageCacheApp:
    """WSGI middleware: serves anonymous readers' pages from the cache, stores new ones."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = None
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and settings.MASTHEAD_PAGE_CACHE
            and not _personal(environ)
        ):
            query = _cacheable_query(environ.get("QUERY_STRING", ""), environ.get("PATH_INFO", "/"))
        host = _valid_host(environ)
        if query is None or host is None:
            return self.app(environ, self._unmarking(start_response))
        path = environ.get("PATH_INFO", "/")
        key = (path, query, host)
        pages = _local_queries if query and path in _query_pages else _local
        now = time.monotonic()
        page = pages.get(key)
        if page is not None and page.expires <= time.time():
            page = None  # its timeout is up here too, whatever the shared cache still holds
        if page is not None and now - page.checked < GENERATION_CHECK_SECONDS:
            return self._serve(page, environ, start_response, "hit")
        generation = _generation(path)
        if page is not None and page.generation == generation:
            page.checked = now
            return self._serve(page, environ, start_response, "hit")
        stored = (
            None
            if pages is _local_queries
            else cache.get(_shared_key(path, generation, query, host))
        )
        if stored is not None and stored[3] > time.time():
            etag, headers, body, expires = stored
            page = _Page(generation, etag, headers, body, now, expires)
            pages.put(key, page)
            return self._serve(page, environ, start_response, "hit")
        return self._render(environ, start_response, key, generation, pages)

    def _unmarking(self, start_response: StartResponse) -> StartResponse:
        def start(status: str, headers: Headers, exc_info: Any = None) -> Any:
            return start_response(status, _without_mark(headers)[0], exc_info)

        return start

    def _render(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        key: tuple[str, str, str],
        generation: str,
        pages: _Pages,
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def start(status: str, headers: Headers, exc_info: Any = None) -> Any:
            kept, mark = _without_mark(headers)
            storable = (
                mark is not None
                and status.startswith("200 ")
                and not any(name.lower() == "set-cookie" for name, _ in kept)
            )
            if not storable:
                return start_response(status, kept, exc_info)
            captured.update(status=status, headers=kept, seconds=int(mark))  # type: ignore[arg-type]
            return lambda data: None  # the body is returned, never written

        result = self.app(environ, start)
        if not captured:
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: database connections go back
        etag = etag_for(body)
        headers = [
            (name, value)
            for name, value in captured["headers"]
            if name.lower() not in {"etag", "content-length"}
        ]
        expires = time.time() + captured["seconds"]
        if pages is _local:
            cache.set(
                _shared_key(key[0], generation, key[1], key[2]),
                (etag, headers, body, expires),
                captured["seconds"],
            )
        page = _Page(generation, etag, headers, body, time.monotonic(), expires)
        pages.put(key, page)
        return self._serve(page, environ, start_response, "miss")

    def _serve(
        self, page: _Page, environ: dict[str, Any], start_response: StartResponse, status: str
    ) -> Iterable[bytes]:
        if _not_modified(page, environ):
            headers = [
                (name, value)
                for name, value in page.headers
                if name.lower()
                in {"cache-control", "vary", "content-security-policy", "last-modified"}
            ]
            start_response(
                "304 Not Modified", [*headers, ("ETag", page.etag), (CACHE_STATUS_HEADER, status)]
            )
            return []
        start_response(
            "200 OK",
            [
                *page.headers,
                ("ETag", page.etag),
                ("Content-Length", str(len(page.body))),
                (CACHE_STATUS_HEADER, status),
            ],
        )
        return [page.body]


def _not_modified(page: _Page, environ: dict[str, Any]) -> bool:
    """Whether the reader holds the page, by its ETag only. If-Modified-Since is not answered:
    the Last-Modified a feed gives is the newest change of a story it lists, and a story
    deleted, or a channel renamed, changes the bytes without moving that date, so a 304 on
    the date alone could keep a reader on a stale copy (RFC 9110 13.1.3 lets the server ignore
    the header)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if not if_none_match:
        return False
    return if_none_match.strip() == "*" or page.etag in parse_etags(if_none_match)


def invalidate_paths(paths: Iterable[str] = (), *, channels: Iterable[str] = ()) -> None:
    """Make cached pages unreachable: those at ``paths`` (with their ?page= variants), the
    pages that follow one of them (``cache_queries``), and every page under each of
    ``channels`` (a channel's URL, e.g. ``/globallead/``), whose story pages all list the
    channel's newest stories."""
    paths, channels = set(paths), set(channels)
    versions.bump(*("page:" + _hash(text) for text in paths | channels))
    followers = {
        path
        for path, registered in _query_pages.items()
        if any(followed in paths for followed in registered.follows)
    }

    def gone(path: str) -> bool:
        return path in paths or path in followers or any(path.startswith(c) for c in channels)

    _local.drop(gone)
    _local_queries.drop(gone)


def invalidate_story(story: _HasUrl) -> None:
    """Drop the cached page of a story; call after the commit that changed it."""
    invalidate_paths([story.get_absolute_url()])


def clear_local() -> None:
    """Forget this process's copies (tests)."""
    _local.clear()
    _local_queries.clear()
