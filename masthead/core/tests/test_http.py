"""The outbound HTTP client: the address guard in every spelling, redirects, size and time
limits, gzip bombs, content types, robots.txt. Everything is served from 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from masthead.core import http
from masthead.core.http import FetchError, fetch
from masthead.core.tests.webserver import Reply, Request

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = b"<!doctype html><html><head><title>Hi</title></head><body><p>Hello.</p></body></html>"


@pytest.fixture
def guard_on(settings: Any) -> None:
    settings.MASTHEAD_FETCH_ALLOW_NETWORKS = []


def test_fetches_a_page_and_names_itself(web: Any) -> None:
    url = web.route("/page", Reply(200, PAGE, HTML))
    response = fetch(url)
    assert response.status == 200 and response.content == PAGE
    assert web.requests[-1].headers["user-agent"].startswith("Masthead/")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "[::1]",
        "0x7f000001",
        "2130706433",
        "[::ffff:127.0.0.1]",
        "127.1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
        "192.168.1.1",
        "[fe80::1]",
        "[fd00::1]",
        "224.0.0.1",
        "localhost",
    ],
)
def test_private_addresses_are_refused_in_every_spelling(guard_on: None, host: str) -> None:
    with pytest.raises(FetchError) as refused:
        fetch(f"http://{host}:9/")
    assert refused.value.code in {"blocked", "invalid"}
    assert "Refused to connect" in str(refused.value) or "Not a valid address" in str(refused.value)


def test_octal_spelling_is_refused_as_invalid(guard_on: None) -> None:
    with pytest.raises(FetchError) as refused:
        fetch("http://0177.0.0.1/")
    assert refused.value.code == "invalid"


@pytest.fixture
def elsewhere(settings: Any) -> Any:
    """A test server on 127.0.0.2, the only address the guard lets through: everything else on
    loopback (127.0.0.1 included) is refused again."""
    from masthead.core.tests.webserver import LocalWeb

    settings.MASTHEAD_FETCH_ALLOW_NETWORKS = ["127.0.0.2/32"]
    server = LocalWeb(host="127.0.0.2").start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:9/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_redirects_to_private_addresses_are_refused(elsewhere: Any, target: str) -> None:
    url = elsewhere.route("/jump", Reply(302, b"", {"Location": target}))
    with pytest.raises(FetchError) as refused:
        fetch(url)
    assert refused.value.code == "blocked"
    assert refused.value.url == target
    assert [r.path for r in elsewhere.requests] == ["/jump"]


def test_dns_is_resolved_once_and_the_connected_address_is_the_checked_one(
    monkeypatch: Any, guard_on: None
) -> None:
    """A name that resolves to a public address first and a private one second (rebinding)
    never gets a second resolution: the guard connects to what it checked."""
    answers = iter([[(2, 1, 6, "", ("127.0.0.1", 80))], [(2, 1, 6, "", ("93.184.216.34", 80))]])
    resolutions = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        resolutions.append(host)
        return next(answers)

    monkeypatch.setattr(http.socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(FetchError) as refused:
        fetch("http://rebind.example/")
    assert refused.value.code == "blocked" and "127.0.0.1" in str(refused.value)
    assert resolutions == ["rebind.example"]


def test_redirects_are_followed_up_to_five(web: Any) -> None:
    for n in range(5):
        web.route(f"/r{n}", Reply(302, b"", {"Location": f"/r{n + 1}"}))
    web.route("/r5", Reply(200, PAGE, HTML))
    response = fetch(web.url("/r0"))
    assert response.url.endswith("/r5") and len(response.redirects) == 5


def test_a_redirect_loop_stops_after_five(web: Any) -> None:
    url = web.route("/loop", Reply(302, b"", {"Location": "/loop"}))
    with pytest.raises(FetchError) as stopped:
        fetch(url)
    assert stopped.value.code == "redirects" and "More than 5 redirects" in str(stopped.value)
    assert len(web.requests) == 6


def test_only_http_and_https(web: Any) -> None:
    url = web.route("/to-file", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="Only http and https"):
        fetch(url)
    with pytest.raises(FetchError, match="Only http and https"):
        fetch("ftp://example.org/")


TRICKLE_BYTES = 10_000


def test_a_trickling_server_is_cut_at_the_deadline(web: Any, monkeypatch: Any) -> None:
    """One byte every 50 ms would take over eight minutes; the fetch gives up at its deadline
    with most of the body never sent."""
    sent: list[int] = []

    def trickle() -> Iterator[bytes]:
        yield b"<!doctype html><html><body>"
        for _ in range(TRICKLE_BYTES):
            sent.append(1)
            yield b"x"

    monkeypatch.setattr(http, "DEADLINE_SECONDS", 1.5)
    url = web.route("/slow", Reply(200, trickle(), HTML, chunk_delay=0.05))
    with pytest.raises(FetchError) as cut:
        fetch(url)
    assert cut.value.code == "timeout"
    assert len(sent) < TRICKLE_BYTES // 10


@pytest.fixture
def short_read_timeout(monkeypatch: Any) -> Any:
    monkeypatch.setattr(http, "READ_SECONDS", 0.5)
    http._client.cache_clear()
    yield
    http._client.cache_clear()


def test_a_silent_server_hits_the_read_timeout(web: Any, short_read_timeout: None) -> None:
    def silent() -> Iterator[bytes]:
        yield b"<html>"
        time.sleep(3)
        yield b"</html>"

    url = web.route("/silent", Reply(200, silent(), HTML))
    with pytest.raises(FetchError) as cut:
        fetch(url)
    assert cut.value.code == "timeout"


def test_a_50_mb_body_is_cut_at_the_cap(web: Any) -> None:
    big = (b"a" * (1024 * 1024) for _ in range(50))
    url = web.route("/big", Reply(200, big, HTML))
    with pytest.raises(FetchError) as cut:
        fetch(url)
    assert cut.value.code == "too_large" and "larger than 5.0 MB" in str(cut.value)


def test_a_declared_length_over_the_cap_is_refused_before_reading(web: Any) -> None:
    url = web.route("/declared", Reply(200, b"x" * (6 * 1024 * 1024), HTML))
    with pytest.raises(FetchError, match=r"larger than 5\.0 MB"):
        fetch(url)


def test_a_gzip_bomb_is_cut_at_the_cap_counting_decompressed_bytes(web: Any) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as packed:
        for _ in range(64):
            packed.write(b"\0" * (1024 * 1024))  # 64 MB of zeros in 64 KB
    bomb = buffer.getvalue()
    assert len(bomb) < 100 * 1024
    url = web.route("/bomb", Reply(200, bomb, {**HTML, "Content-Encoding": "gzip"}))
    with pytest.raises(FetchError) as cut:
        fetch(url)
    assert cut.value.code == "too_large"


def test_gzip_and_deflate_bodies_are_decoded(web: Any) -> None:
    web.route("/gz", Reply(200, gzip.compress(PAGE), {**HTML, "Content-Encoding": "gzip"}))
    web.route("/deflate", Reply(200, zlib.compress(PAGE), {**HTML, "Content-Encoding": "deflate"}))
    assert fetch(web.url("/gz")).content == PAGE
    assert fetch(web.url("/deflate")).content == PAGE


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "headers", "kind"),
    [
        (b"%PDF-1.7\n...", {"Content-Type": "application/pdf"}, "PDF document"),
        (b"%PDF-1.7\n...", HTML, "PDF document"),  # a lying Content-Type does not help
        (png(), {"Content-Type": "image/png"}, "image"),
        (b"{}", {"Content-Type": "application/json"}, "application/json"),
    ],
)
def test_what_is_not_a_page_is_refused_with_its_kind(
    web: Any, body: bytes, headers: dict[str, str], kind: str
) -> None:
    url = web.route("/thing", Reply(200, body, headers))
    with pytest.raises(FetchError) as refused:
        fetch(url, expect="html")
    assert refused.value.code == "not_html"
    assert f"Expected a web page but got {kind}" in str(refused.value)


def test_images_are_fetched_as_images(web: Any) -> None:
    url = web.route("/photo.png", Reply(200, png(), {"Content-Type": "image/png"}))
    assert fetch(url, expect="image").content.startswith(b"\x89PNG")
    web.route("/fake.png", Reply(200, PAGE, {"Content-Type": "image/png"}))
    with pytest.raises(FetchError, match="Expected an image"):
        fetch(web.url("/fake.png"), expect="image")


def test_statuses_raise_with_retry_after(web: Any) -> None:
    url = web.route("/busy", Reply(429, b"slow down", {"Retry-After": "120"}))
    with pytest.raises(FetchError) as busy:
        fetch(url)
    assert (busy.value.status, busy.value.retry_after) == (429, 120.0)
    with pytest.raises(FetchError) as missing:
        fetch(web.url("/nowhere"))
    assert missing.value.status == 404


def test_conditional_get_returns_304(web: Any) -> None:
    def conditional(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"")
        return Reply(200, PAGE, {**HTML, "ETag": '"v1"'})

    url = web.route("/feedlike", conditional)
    first = fetch(url)
    assert first.headers["etag"] == '"v1"'
    second = fetch(url, headers={"If-None-Match": '"v1"'})
    assert second.status == 304 and second.content == b""


def test_robots_txt_is_honoured_and_kept(web: Any) -> None:
    web.route(
        "/robots.txt",
        Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}),
    )
    web.route("/private/story", Reply(200, PAGE, HTML))
    web.route("/public/story", Reply(200, PAGE, HTML))
    with pytest.raises(FetchError) as refused:
        fetch(web.url("/private/story"), robots=True)
    assert refused.value.code == "robots"
    assert fetch(web.url("/public/story"), robots=True).status == 200
    fetch(web.url("/public/story"), robots=True)
    assert [r.path for r in web.requests].count("/robots.txt") == 1


def test_a_missing_robots_txt_allows_everything(web: Any) -> None:
    url = web.route("/story", Reply(200, PAGE, HTML))
    assert fetch(url, robots=True).status == 200


def test_politeness_spaces_requests_to_one_host(web: Any, settings: Any, monkeypatch: Any) -> None:
    """Three requests to one host: the second and third each wait the politeness delay after
    the one before (on a clock of the test's, so the assertion does not depend on speed)."""
    settings.MASTHEAD_FETCH_HOST_DELAY = 0.3
    now = [1_000_000.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 6))
        now[0] += seconds

    monkeypatch.setattr(http, "_clock", lambda: now[0])
    monkeypatch.setattr(http, "_pause", sleep)
    url = web.route("/p", Reply(200, PAGE, HTML))
    for _ in range(3):
        fetch(url)
    assert waits == [0.3, 0.3]


@pytest.mark.django_db
def test_a_fetch_inside_a_transaction_fails_loudly(web: Any) -> None:
    """Fetch first, then write: inside a transaction a slow site would hold the database's
    locks (on SQLite, every writer's) for as long as the fetch takes."""
    from django.db import transaction

    url = web.route("/p", Reply(200, PAGE, HTML))
    assert fetch(url).status == 200  # the test case's own transaction does not count
    with transaction.atomic(), pytest.raises(http.FetchInTransaction, match="/p"):
        fetch(url)
    assert [r.path for r in web.requests].count("/p") == 1  # refused before any request


@pytest.mark.django_db
def test_outside_tests_a_fetch_inside_a_transaction_is_logged(
    web: Any, settings: Any, caplog: Any
) -> None:
    from django.db import transaction

    settings.MASTHEAD_FETCH_REFUSE_IN_TRANSACTION = False
    url = web.route("/p", Reply(200, PAGE, HTML))
    with transaction.atomic():
        assert fetch(url).status == 200
    assert "inside a transaction" in caplog.text and "fetch first, then write" in caplog.text


@pytest.mark.parametrize("value", ["\u00b2", "\u00b3", "-5", "1e9", "soon"])
def test_a_strange_retry_after_is_ignored_not_a_crash(web: Any, value: str) -> None:
    url = web.route("/busy", Reply(503, b"busy", {**HTML, "Retry-After": value}))
    with pytest.raises(FetchError) as refused:
        fetch(url)
    assert refused.value.status == 503 and refused.value.retry_after is None


def test_retry_after_zero_is_now(web: Any) -> None:
    url = web.route("/busy", Reply(503, b"busy", {**HTML, "Retry-After": "0"}))
    with pytest.raises(FetchError) as refused:
        fetch(url)
    assert refused.value.retry_after == 0


@pytest.mark.parametrize("value", ["99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_retry_after_beyond_a_week_is_a_week(web: Any, value: str) -> None:
    """A server asking to be left alone for ever is asked again after a week (a feed would
    otherwise never be polled, nor ever be found dead)."""
    url = web.route("/busy", Reply(503, b"busy", {**HTML, "Retry-After": value}))
    with pytest.raises(FetchError) as refused:
        fetch(url)
    assert refused.value.retry_after == http.RETRY_AFTER_MAX_SECONDS
