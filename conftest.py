"""Fixtures for the whole suite, and how a missing tool is reported.

The suite runs twice, on SQLite and on PostgreSQL (scripts/test). Tests that need Chromium or
the Nu Html Checker skip with a loud message when the tool is missing, except under CI=true,
where a missing tool fails the run: CI proves everything or nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("MASTHEAD_SHARED", ROOT.parent / "shared"))  # test material
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
KILL_MIDWAY_SECONDS = 180  # a process started under a loaded CI machine gets this long
VNU_JAR = ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
_missing_tools: set[str] = set()


def require_tool(name: str, available: bool, how: str) -> None:
    """Skip (under CI=true: fail) a test whose tool is missing, naming it and how to get it."""
    if available:
        return
    _missing_tools.add(f"{name}: {how}")
    message = f"MISSING TOOL {name} ({how})"
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; CI=true does not allow skipping", pytrace=False)
    pytest.skip(message)


def shared_data(relative: str) -> Path:
    """A path under ../shared/data; skips (fails under CI) when the folder is absent."""
    path = SHARED / "data" / relative
    require_tool("../shared/data", path.exists(), f"test material expected at {path}")
    return path


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _missing_tools:
        terminalreporter.section("MISSING TOOLS: these tests were skipped", sep="!", red=True)
        for line in sorted(_missing_tools):
            terminalreporter.line(f"  {line}", red=True)


def pytest_report_header() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"masthead: database {engine}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    require_tool("chromium", CHROMIUM.exists(), "apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    require_tool("java", java is not None, "apt-get install default-jre-headless")
    require_tool(
        "vnu-jar", VNU_JAR.exists(), "npm install --ignore-scripts vnu-jar (scripts/test-deps)"
    )
    return [str(java), "-jar", str(VNU_JAR), "--errors-only", "--format", "text", "--stdout"]


def _redis_url() -> str:
    """The Redis database tests may empty: TEST_REDIS_URL's (15 unless told), one lower for
    each pytest-xdist worker after the first, so that parallel workers never share one."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    root, _sep, number = base.rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    offset = int(worker) if worker.isdigit() else 0
    return f"{root}/{int(number) - offset}" if number.isdigit() else base


REDIS_URL = _redis_url()


@pytest.fixture
def redis_cache(settings: Any) -> Any:
    """The default cache on Redis (a database of its own, emptied), as production runs it."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
        available = True
    except redis.RedisError:
        available = False
    require_tool("redis", available, f"a Redis server at {REDIS_URL} (apt-get install redis)")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "masthead.core.cachebackends.Redis", "LOCATION": REDIS_URL}
    }
    caches._settings = None  # type: ignore[attr-defined]
    yield caches["default"]
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def web() -> Any:
    """A local HTTP server; register replies with ``web.route(path, Reply(...))``."""
    from masthead.core.tests.webserver import LocalWeb

    server = LocalWeb().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    from django.core.cache import cache

    from masthead.core.localcache import clear_all

    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


@pytest.fixture
def member(db: Any) -> Any:
    from masthead.accounts.tests.factories import MemberFactory

    return MemberFactory(handle="reader_one", display_name="Reader One")


@pytest.fixture
def other_member(db: Any) -> Any:
    from masthead.accounts.tests.factories import MemberFactory

    return MemberFactory(handle="reader_two", display_name="Reader Two")


@pytest.fixture
def section(db: Any) -> Any:
    from masthead.channels.tests.factories import ChannelFactory, SectionFactory

    channel = ChannelFactory(slug="globallead", name="Global Lead")
    return SectionFactory(channel=channel, slug="politics", name="Politics")


@pytest.fixture
def channel(section: Any) -> Any:
    return section.channel


@pytest.fixture
def curator(db: Any, channel: Any) -> Any:
    from masthead.accounts.tests.factories import MemberFactory
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import role_grant

    user = MemberFactory(handle="curator_one", display_name="Curator One")
    role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.CURATOR)
    return user


@pytest.fixture
def story(section: Any) -> Any:
    from masthead.stories.tests.factories import StoryFactory

    return StoryFactory(section=section)


def small_photo() -> Any:
    """A 64x48 JPEG upload."""
    import io

    from PIL import Image as PILImage

    data = io.BytesIO()
    PILImage.new("RGB", (64, 48), (40, 90, 140)).save(data, "JPEG")
    data.seek(0)
    data.name = "ferry.jpg"
    return data


@pytest.fixture
def stories(section: Any) -> dict[str, Any]:
    """An original story with a photo, a curated one, and what readers must not see (a
    draft, a scheduled story, a withdrawn one), in the ``section`` fixture's channel; and a
    story of another channel. The feeds' and the sitemaps' tests read them."""
    import datetime as dt

    from django.utils import timezone

    from masthead.channels.tests.factories import SectionFactory
    from masthead.stories.models import Story
    from masthead.stories.services import story_create, story_publish, story_withdraw
    from masthead.stories.tests.factories import StoryFactory

    channel = section.channel
    original = story_create(
        actor=None,
        channel=channel,
        section=section,
        headline="Ferry Council Votes <Yes> & Moves On",
        byline="Ada Lindqvist and Bo Berg",
        time_zone="America/Los_Angeles",
        body='<p>The council met. <a href="/globallead/">More from us</a></p><h2>Next</h2>',
        excerpt="The council met on Tuesday.",
        image=small_photo(),
        image_caption="The ferry at dawn.",
        image_credit="Photo: Cy Chen",
        image_alt="A ferry on grey water",
    )
    story_publish(actor=None, story=original, at=timezone.now() - dt.timedelta(hours=3))
    curated = story_create(
        actor=None,
        channel=channel,
        section=section,
        kind=Story.Kind.CURATED,
        headline="Harbour Deal Signed",
        byline="",
        excerpt="Officials signed the harbour deal.",
        body="<p>The publisher's full text, which is not ours to republish.</p>",
        original_url="https://ledger.example/harbour-deal",
        source_name="The Example Ledger",
    )
    story_publish(actor=None, story=curated, at=timezone.now() - dt.timedelta(hours=1))
    draft = story_create(actor=None, channel=channel, section=section, headline="Draft Only")
    scheduled = story_create(actor=None, channel=channel, section=section, headline="Not Yet")
    story_publish(actor=None, story=scheduled, at=timezone.now() + dt.timedelta(days=1))
    withdrawn = StoryFactory(section=section, headline="Taken Down")
    story_withdraw(actor=None, story=withdrawn, reason="Wrong.")
    elsewhere = StoryFactory(section=SectionFactory(), headline="Another Channel's Story")
    return {
        "original": Story.objects.get(pk=original.pk),
        "curated": Story.objects.get(pk=curated.pk),
        "draft": draft,
        "scheduled": scheduled,
        "withdrawn": withdrawn,
        "elsewhere": elsewhere,
    }


def logged_in(browser: Any, live_server: Any, user: Any, **options: Any) -> Any:
    """A Playwright browser context whose cookies hold ``user``'s session on the live server."""
    from django.conf import settings

    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


@pytest.fixture
def member_client(member: Any) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def curator_client(curator: Any) -> Client:
    client = Client()
    client.force_login(curator)
    return client


def database_url() -> str:
    """The test database as a ``DATABASE_URL``, for a ``masthead`` process the test starts
    (its data must be committed: ``django_db(transaction=True)``)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@"
        f"{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextmanager
def writes_frozen(table: str) -> Iterator[None]:
    """While the block runs, no other process writes to ``table`` (on SQLite: to the whole
    database): a lock held on a connection of its own. A process caught writing waits for it,
    so the test acts on that process at a known point instead of racing it."""
    from django.db import connection

    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
        holder.isolation_level = None
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    import psycopg

    with psycopg.connect(database_url(), autocommit=False) as holder:
        # EXCLUSIVE lets others read the table but neither insert nor update it.
        holder.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        try:
            yield
        finally:
            holder.rollback()


def kill_midway(
    args: list[str], env: dict[str, str], done: Callable[[], bool], *, frozen_table: str
) -> None:
    """Run ``masthead ARGS`` in another process and SIGKILL it once ``done()`` says it is
    half-way: what a crashed worker or import leaves behind. Writes to ``frozen_table`` are
    frozen first (``writes_frozen``), so the process is killed where ``done()`` saw it, not a
    few records later; a process that never gets half-way fails the test."""
    process = subprocess.Popen(  # noqa: S603 - our own CLI, arguments from the test
        [sys.executable, "-m", "masthead.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + KILL_MIDWAY_SECONDS
    try:
        while not done():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"masthead {' '.join(args)} ended or stalled before half-way")
            time.sleep(0.02)
        with writes_frozen(frozen_table):
            process.send_signal(signal.SIGKILL)
            process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
