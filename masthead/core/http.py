"""The one HTTP client for everything Masthead fetches from the web. No other module imports
httpx (an import-linter contract in pyproject.toml says so).

Every fetch is bounded and guarded:

- **Addresses**: the host is resolved once and each address is checked before connecting to
  it; loopback, private, link-local, multicast, reserved, unique-local and unspecified
  addresses are refused, in every spelling the resolver accepts (``2130706433``,
  ``0x7f000001``, ``127.1``, ``::ffff:127.0.0.1``), because the check is on the address the
  socket actually connects to. A name that resolves to a public address for the check and a
  private one for the connection (DNS rebinding) cannot slip through: there is only one
  resolution. ``MASTHEAD_FETCH_ALLOW_NETWORKS`` lets tests reach 127.0.0.1;
  ``MASTHEAD_FETCH_ALLOW_ENDPOINTS`` lets the demo reach its own made-up publishers, one
  address and port, and nothing else on the machine.
- **Redirects**: followed by hand, at most ``MAX_REDIRECTS``, each new URL checked again.
- **Size**: at most ``max_bytes`` of *decompressed* body; the client decompresses itself, in
  bounded steps, so a gzip bomb is cut at the cap, not after it has filled memory.
- **Time**: connect and read timeouts, and a deadline for the whole fetch, so a server
  trickling one byte at a time is cut too.
- **Manners**: a User-Agent naming Masthead, robots.txt for article fetches (cached), at most
  ``MASTHEAD_FETCH_PER_HOST`` requests at once to a host from one process, and a politeness
  delay between requests to the same host, kept in the shared cache across processes.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masthead import __version__
from masthead.core.numbers import whole_number

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # an article page; feeds and images pass their own
CONNECT_SECONDS = 5.0
READ_SECONDS = 10.0  # between two reads; DEADLINE_SECONDS bounds the whole fetch
DEADLINE_SECONDS = 30.0
RETRY_AFTER_MAX_SECONDS = 7 * 24 * 3600  # a server asking for longer is asked after a week
ROBOTS_SECONDS = 24 * 3600  # how long a site's robots.txt is trusted
ROBOTS_MAX_BYTES = 512 * 1024
DECOMPRESS_STEP = 256 * 1024  # the most one step of gzip inflation may produce
USER_AGENT = f"Masthead/{__version__} (+https://github.com/masthead-news/masthead; news curation)"

HTML_TYPES = ("text/html", "application/xhtml+xml")
# What a feed may be served as. Misconfigured servers send feeds as application/octet-stream
# (or binary/octet-stream): such a body is left to the feed parser, which reads what it is
# and says why when it is not a feed.
FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "text/plain", "text/html", "octet-stream")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


class FetchError(Exception):
    """Why a fetch was refused or failed, in words a curator can read."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.url, self.status, self.retry_after = code, url, status, retry_after


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200 or 304; other statuses raise FetchError
    headers: dict[str, str]
    content: bytes
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _sep, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip("\"'")
        return None

    def text(self) -> str:
        return self.content.decode(self.charset or "utf-8", errors="replace")


# --- the address guard ------------------------------------------------------------------


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Checked in this order; the first that applies is the reason given.
_REFUSED_KINDS = (
    ("is_loopback", gettext_lazy("a loopback")),
    ("is_private", gettext_lazy("a private")),
    ("is_link_local", gettext_lazy("a link-local")),
    ("is_multicast", gettext_lazy("a multicast")),
    ("is_unspecified", gettext_lazy("an unspecified")),
    ("is_reserved", gettext_lazy("a reserved")),
)


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@cache
def _allowed_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in spec)


@cache
def _allowed_endpoints(spec: tuple[str, ...]) -> frozenset[tuple[Address, int]]:
    """``"127.0.0.1:8642"`` or ``"[::1]:8642"``: one address and one port each."""
    endpoints = set()
    for endpoint in spec:
        host, _sep, port = endpoint.rpartition(":")
        endpoints.add((ipaddress.ip_address(host.strip("[]")), int(port)))
    return frozenset(endpoints)


def refusal(address: str, port: int | None = None) -> str | None:
    """Why Masthead will not connect to ``address`` (at ``port``), or None if it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    allowed = _allowed_networks(tuple(settings.MASTHEAD_FETCH_ALLOW_NETWORKS))
    if any(ip in network for network in allowed):
        return None
    endpoints = _allowed_endpoints(tuple(settings.MASTHEAD_FETCH_ALLOW_ENDPOINTS))
    if port is not None and (ip, port) in endpoints:
        return None
    for attribute, kind in _REFUSED_KINDS:
        if getattr(ip, attribute):
            return _("%(address)s is %(kind)s address") % {"address": ip, "kind": kind}
    if not ip.is_global:
        return _("%(address)s is not a public address") % {"address": ip}
    return None


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves once, checks every address, and connects to a checked address only."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise httpcore.ConnectError(f"{host} could not be resolved ({error})") from error
        reasons = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            reason = refusal(address, port)
            if reason is not None:
                reasons.append(reason)
                continue
            return self._inner.connect_tcp(
                address,
                port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            )
        raise _Blocked(
            _("Refused to connect to %(host)s: %(reason)s.")
            % {"host": host, "reason": "; ".join(dict.fromkeys(reasons))}
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Blocked(httpcore.ConnectError):
    """The guard refused every address of a host."""


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(trust_env=False, retries=0)
        # The pool httpx builds, with the guarded backend in place of the plain one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(),
        )


@cache
def _client() -> httpx.Client:
    return httpx.Client(
        transport=_GuardedTransport(),
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


# --- manners ------------------------------------------------------------------------------

# The politeness delay's clock and wait, apart from the time module's (tests put theirs here).
_clock = time.time
_pause = time.sleep
_host_locks: dict[str, threading.BoundedSemaphore] = {}
_host_locks_guard = threading.Lock()


@contextmanager
def _host_turn(host: str) -> Iterator[None]:
    """Wait for a turn at ``host``: a free slot in this process, then the politeness delay
    since the last request any process made to it."""
    with _host_locks_guard:
        gate = _host_locks.setdefault(
            host, threading.BoundedSemaphore(settings.MASTHEAD_FETCH_PER_HOST)
        )
    with gate:
        delay = settings.MASTHEAD_FETCH_HOST_DELAY
        if delay > 0:
            key = f"fetch:next:{host}"
            wait = float(shared_cache.get(key) or 0) - _clock()
            if wait > 0:
                _pause(min(wait, delay))
            shared_cache.set(key, _clock() + delay, timeout=max(1, int(delay * 10)))
        yield


def robots_allow(url: str) -> bool:
    """Whether the site's robots.txt lets Masthead fetch ``url`` (kept for a day)."""
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    key = f"fetch:robots:{root}"
    rules: str | None = shared_cache.get(key)
    if rules is None:
        try:
            rules = fetch(root + "/robots.txt", expect="any", max_bytes=ROBOTS_MAX_BYTES).text()
        except FetchError as error:
            if error.status in {401, 403}:
                rules = "User-agent: *\nDisallow: /\n"
            elif error.status is not None and 400 <= error.status < 500:
                rules = ""  # no robots.txt: everything is allowed
            else:
                raise FetchError(
                    _("robots.txt of %(site)s could not be read: %(reason)s")
                    % {"site": parts.netloc, "reason": error},
                    code="robots",
                    url=url,
                ) from error
        shared_cache.set(key, rules, ROBOTS_SECONDS)
    parser = RobotFileParser()
    parser.parse(rules.splitlines())
    return parser.can_fetch(USER_AGENT, url)


# --- fetching -------------------------------------------------------------------------------


def _decoded(response: httpx.Response, *, max_bytes: int, deadline: float, url: str) -> bytes:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in {"gzip", "x-gzip"}:
        inflater: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj()
    elif encoding in {"", "identity"}:
        inflater = None
    else:
        raise FetchError(
            _("The server sent a %(encoding)s-encoded body, which Masthead does not read.")
            % {"encoding": encoding},
            code="encoding",
            url=url,
        )
    too_large = FetchError(
        _("The page is larger than %(size)s MB.") % {"size": round(max_bytes / 1024 / 1024, 1)},
        code="too_large",
        url=url,
    )
    body = bytearray()
    for raw in response.iter_raw():
        if time.monotonic() > deadline:
            raise FetchError(
                _("The server took too long to send the page."), code="timeout", url=url
            )
        if inflater is None:
            body += raw
        else:
            data = raw
            while data:
                body += inflater.decompress(data, DECOMPRESS_STEP)
                if len(body) > max_bytes:
                    raise too_large
                data = inflater.unconsumed_tail
        if len(body) > max_bytes:
            raise too_large
    if inflater is not None:
        body += inflater.flush()
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)


def _check_type(content_type: str, body: bytes, *, expect: str, url: str) -> None:
    sniffed = _sniff(body)
    if expect == "html":
        if sniffed in {"PDF document", "image"} or (
            content_type and not content_type.startswith(HTML_TYPES)
        ):
            kind = sniffed if sniffed in {"PDF document", "image"} else content_type
            raise FetchError(
                _("Expected a web page but got %(kind)s.") % {"kind": kind},
                code="not_html",
                url=url,
            )
    elif expect == "feed":
        if sniffed in {"PDF document", "image"} or (
            content_type and not any(t in content_type for t in FEED_TYPES)
        ):
            raise FetchError(
                _("Expected a feed but got %(kind)s.") % {"kind": sniffed or content_type},
                code="not_feed",
                url=url,
            )
    elif expect == "image" and (
        sniffed != "image" or (content_type and not content_type.startswith(IMAGE_TYPES))
    ):
        raise FetchError(
            _("Expected an image but got %(kind)s.")
            % {"kind": content_type or _("something else")},
            code="not_image",
            url=url,
        )


def _sniff(body: bytes) -> str:
    head = body[:16]
    if head.startswith(b"%PDF"):
        return "PDF document"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    return ""


def fetch(
    url: str,
    *,
    expect: str = "html",
    max_bytes: int = DEFAULT_MAX_BYTES,
    robots: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """GET ``url`` as described at the top of this module.

    ``expect`` is "html", "feed", "image" or "any": a body of another kind (a PDF where a page
    was expected) is refused with the reason. ``headers`` may carry validators
    (If-None-Match, If-Modified-Since): a 304 comes back as a Response with status 304.
    Statuses other than 200 and 304 raise FetchError with ``status`` (and ``retry_after``).
    Never call it inside a database transaction (see ``_outside_transactions``).
    """
    _outside_transactions(url)
    deadline = time.monotonic() + DEADLINE_SECONDS
    redirects: list[str] = []
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise FetchError(
                _("Only http and https addresses can be fetched (%(url)s).")
                % {"url": current[:200]},
                code="scheme",
                url=current,
            )
        if robots and not robots_allow(current):
            raise FetchError(
                _("The site's robots.txt does not allow fetching %(url)s.")
                % {"url": current[:200]},
                code="robots",
                url=current,
            )
        try:
            with (
                _host_turn(parts.hostname),
                _client().stream("GET", current, headers=headers or {}) as response,
            ):
                if response.status_code in {301, 302, 303, 307, 308}:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            _("A redirect without a destination."), code="redirect", url=current
                        )
                    current = urljoin(current, location)
                    redirects.append(current)
                    continue
                if response.status_code not in {200, 304}:
                    raise _status_error(response, current)
                length = response.headers.get("content-length", "")
                if whole_number(length, 0) > max_bytes:  # decoded is no smaller
                    raise FetchError(
                        _("The page is larger than %(size)s MB.")
                        % {"size": round(max_bytes / 1024 / 1024, 1)},
                        code="too_large",
                        url=current,
                    )
                body = (
                    b""
                    if response.status_code == 304
                    else _decoded(response, max_bytes=max_bytes, deadline=deadline, url=current)
                )
                result = Response(
                    url=current,
                    status=response.status_code,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    content=body,
                    redirects=redirects,
                )
        except httpx.ConnectError as error:
            blocked = error.__cause__
            if isinstance(blocked, _Blocked):  # httpx wraps the guard's refusal
                raise FetchError(str(blocked), code="blocked", url=current) from error
            raise FetchError(
                _("Could not connect: %(reason)s") % {"reason": error}, code="network", url=current
            ) from error
        except httpx.InvalidURL as error:
            raise FetchError(
                _("Not a valid address: %(reason)s") % {"reason": error},
                code="invalid",
                url=current,
            ) from error
        except httpx.TimeoutException as error:
            raise FetchError(
                _("The server did not answer in time."), code="timeout", url=current
            ) from error
        except httpx.HTTPError as error:
            raise FetchError(
                _("The fetch failed: %(reason)s") % {"reason": error or type(error).__name__},
                code="network",
                url=current,
            ) from error
        if result.status == 200 and expect != "any":
            _check_type(result.content_type, result.content, expect=expect, url=current)
        return result
    raise FetchError(
        _("More than %(count)s redirects.") % {"count": MAX_REDIRECTS}, code="redirects", url=url
    )


class FetchInTransaction(RuntimeError):
    """``fetch`` was called inside a database transaction: a bug in the caller."""


def _outside_transactions(url: str) -> None:
    """Fetch first, then open the transaction to store what was fetched. A fetch may take up
    to DEADLINE_SECONDS; inside a transaction it would hold its locks that long (on SQLite,
    the whole database's write lock, longer than other writers' busy timeout). Under tests
    (``MASTHEAD_FETCH_REFUSE_IN_TRANSACTION``) this is an error; elsewhere, a logged one.
    The test case's own transaction, which wraps every test, does not count."""
    for connection in connections.all(initialized_only=True):
        if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            message = f"fetch({url[:200]!r}) inside a transaction on {connection.alias!r}"
            if settings.MASTHEAD_FETCH_REFUSE_IN_TRANSACTION:
                raise FetchInTransaction(message)
            logger.error("%s: fetch first, then write", message, stack_info=True)
            return


def _status_error(response: httpx.Response, url: str) -> FetchError:
    retry_after = None
    value = response.headers.get("retry-after", "").strip()
    if value.isascii() and value.isdigit():  # "²" is a digit to isdigit, not to int
        long = len(value) > len(str(RETRY_AFTER_MAX_SECONDS))
        retry_after = float(
            RETRY_AFTER_MAX_SECONDS if long else min(int(value), RETRY_AFTER_MAX_SECONDS)
        )
    elif value:
        from email.utils import parsedate_to_datetime

        try:
            retry_after = min(
                RETRY_AFTER_MAX_SECONDS,
                max(0.0, parsedate_to_datetime(value).timestamp() - time.time()),
            )
        except (TypeError, ValueError):
            retry_after = None
    return FetchError(
        _("The server answered %(status)s.") % {"status": response.status_code},
        code="status",
        url=url,
        status=response.status_code,
        retry_after=retry_after,
    )
