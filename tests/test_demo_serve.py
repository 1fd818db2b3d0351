"""`masthead demo` serves the site with a worker and its made-up publishers beside it, as
`make demo` runs it: a reply written while it runs reaches the inbox of the member it answers
(and its e-mail links to the demo's own port); the seeded feeds bring candidates to the review
queues; an article's address pasted on a queue is fetched by the worker, fills the form, and
becomes a story with the publisher's photo. One Ctrl-C stops all of it, with a browser's
connections still open."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from masthead.demo.sources import catalogue

pytestmark = pytest.mark.nodb

STARTUP_SECONDS = 180  # migrating and loading on a loaded two-core machine
WORK_SECONDS = 60  # for the worker to do what it was given
STOP_SECONDS = 10  # one Ctrl-C to a quiet prompt, with a browser's connections still open

REPLY = """
from masthead.accounts.models import User
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create

opening = Comment.objects.filter(position=1, author__profile__handle="ameliaw").first()
me = User.objects.get(profile__handle="tkoenig")
comment_create(actor=me, story=opening.story, body="Written while the demo runs", parent=opening)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def query(database: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(sql, args).fetchall()


def inbox_of(database: Path, handle: str) -> list[tuple[str, str]]:
    return query(  # type: ignore[return-value]
        database,
        "SELECT n.kind, c.body_source FROM notifications_notification n "
        "JOIN discussion_comment c ON c.id = n.comment_id "
        "JOIN accounts_profile p ON p.user_id = n.recipient_id WHERE p.handle = ?",
        handle,
    )


def wait_for(condition: Callable[[], Any], what: str, seconds: float = WORK_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds} s for {what}")


def open_like_a_browser(port: int) -> list[socket.socket]:
    """The connections a browser leaves open on a site: one kept alive after a page, and one
    opened ahead of need that has sent nothing yet (Chromium's preconnect)."""
    kept = socket.create_connection(("127.0.0.1", port), timeout=10)
    kept.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
    assert kept.recv(64).startswith(b"HTTP/1.1 200")
    idle = socket.create_connection(("127.0.0.1", port), timeout=10)
    return [kept, idle]


def ctrl_c(demo: subprocess.Popen[str]) -> float:
    """Seconds the demo takes to end after one Ctrl-C: SIGINT to its whole process group, as a
    terminal sends it to the foreground job."""
    started = time.monotonic()
    os.killpg(demo.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        demo.wait(timeout=60)
    return time.monotonic() - started


def processes_of(var: Path) -> list[int]:
    """Processes still running with the demo's MASTHEAD_VAR in their environment."""
    mark = f"MASTHEAD_VAR={var}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if mark in environ and state != "Z":
            found.append(int(entry.name))
    return found


class Browser:
    """A member's visits to the demo: cookies kept, forms posted with their CSRF token."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[str, BeautifulSoup]:
        with self.opener.open(self.site + path, timeout=30) as response:
            return response.url, BeautifulSoup(response.read(), "html.parser")

    def post(self, path: str, page: BeautifulSoup, data: dict[str, Any]) -> tuple[str, Any]:
        token = page.find("input", {"name": "csrfmiddlewaretoken"})["value"]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        with self.opener.open(self.site + path, body, timeout=30) as response:
            return response.url, BeautifulSoup(response.read(), "html.parser")


def test_the_demo_runs_its_worker_and_publishers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env |= {"MASTHEAD_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "masthead.settings.local"}
    env.pop("MASTHEAD_SITE_URL", None)
    port, sources_port = free_port(), free_port()
    site = f"http://127.0.0.1:{port}"
    demo = subprocess.Popen(
        [
            *(sys.executable, "-m", "masthead.cli", "demo"),
            *("--port", str(port), "--sources-port", str(sources_port)),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(demo.stdout or []), daemon=True)
    reader.start()
    database = tmp_path / "masthead.sqlite3"
    try:
        wait_for(
            lambda: answers(site + "/") or demo.poll() is not None, "the site", STARTUP_SECONDS
        )
        assert demo.poll() is None, "".join(output)

        # A reply reaches the inbox of the member it answers, through the worker.
        before = len(inbox_of(database, "ameliaw"))
        subprocess.run(
            [sys.executable, "-m", "masthead.cli", "shell", "-c", REPLY],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        wait_for(lambda: len(inbox_of(database, "ameliaw")) > before, "the reply's notification")
        assert ("reply", "Written while the demo runs") in inbox_of(database, "ameliaw")

        # The seeded feeds are polled: their items wait in the queues, City Desk's read in full.
        feeds = len(catalogue().publishers)
        polled = "SELECT count(*) FROM ingest_feed WHERE last_status LIKE '200%'"
        wait_for(lambda: query(database, polled)[0][0] == feeds, "the feeds' first polls")
        from_feeds = query(database, "SELECT count(*) FROM ingest_candidate WHERE feed_id > 0")
        assert from_feeds[0][0] >= 10
        unread = (
            "SELECT count(*) FROM ingest_candidate c JOIN ingest_feed f ON f.id = c.feed_id "
            "JOIN ingest_item i ON i.id = c.item_id "
            "WHERE f.fetch_articles AND i.fetch_state != 'done'"
        )
        wait_for(lambda: query(database, unread)[0][0] == 0, "City Desk's articles")

        # A curator pastes an article's address in the box on the review queue.
        found = catalogue()
        article = found.articles[found.try_it["article"]]
        browser = Browser(site)
        _url, login = browser.get("/accounts/login/")
        browser.post(
            "/accounts/login/",
            login,
            {"login": "marcus_h@masthead.test", "password": "masthead-demo"},
        )
        _url, queue = browser.get("/citydesk/-/queue/")
        assert queue.find("form", action="/citydesk/-/queue/submit/").find("input", {"name": "url"})
        pasted = f"http://127.0.0.1:{sources_port}{article.path}"
        candidate, _page = browser.post("/citydesk/-/queue/submit/", queue, {"url": pasted})
        path = urllib.parse.urlsplit(candidate).path
        assert re.fullmatch(r"/citydesk/-/queue/\d+/", path), candidate

        def filled() -> BeautifulSoup | None:
            _url, page = browser.get(path)
            headline = page.find("input", {"name": "headline"})
            return page if headline is not None and headline.get("value") else None

        page = wait_for(filled, "the worker to fetch the pasted article")
        value = {
            field["name"]: field.get("value", "")
            for field in page.select("form.story-form input")
            if field.get("name") and field.get("type") not in {"file", "radio", "checkbox"}
        }
        assert value["headline"] == article.headline and value["byline"] == article.byline
        assert value["image_caption"] == article.image["caption"]
        assert value["image_credit"] == article.image["credit"]
        assert value["image_url"] == f"http://127.0.0.1:{sources_port}{article.image_path}"

        section = page.find("select", {"name": "section"}).find_all("option")[-1]["value"]
        zone = page.find("select", {"name": "time_zone"}).find("option", selected=True)["value"]
        story_url, story = browser.post(
            path,
            page,
            {
                **value,
                "section": section,
                "time_zone": zone,
                "action": "publish",
                "comments_open": "on",
                "excerpt": page.find("textarea", {"name": "excerpt"}).text,
                "body": "",
                "image_alt": article.image["alt"],
            },
        )
        assert story.find("h1").get_text(strip=True) == article.headline, story_url
        figure = story.select_one("main figure")
        assert figure.find("img") and article.image["credit"] in figure.get_text()
        browser_sockets = open_like_a_browser(port)
        stopped_in = ctrl_c(demo)
        assert not answers(site + "/"), "the site still answers after one Ctrl-C"
        assert not answers(f"http://127.0.0.1:{sources_port}/"), "the publishers still answer"
        assert not processes_of(tmp_path), "processes of the demo still run after one Ctrl-C"
        assert stopped_in < STOP_SECONDS, f"one Ctrl-C took {stopped_in:.1f} s to stop the demo"
        for held in browser_sockets:
            held.close()
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
        for pid in processes_of(tmp_path):
            os.kill(pid, signal.SIGKILL)
        demo.wait(timeout=30)
        reader.join(timeout=10)
    printed = "".join(output)
    assert demo.returncode == 0, printed
    assert "Written while the demo runs" in printed  # the console e-mail, printed by the worker
    links = re.findall(r"http://127\.0\.0\.1:\d+/", printed)
    assert f"{site}/inbox/unsubscribe/" in printed  # e-mails link to the port the demo serves
    assert not [
        link for link in links if link not in {f"{site}/", f"http://127.0.0.1:{sources_port}/"}
    ]
