"""Through `masthead serve` (granian), with no database answering: pages that need it get the
site's 500 page and a missing page its 404 page, each a whole HTML page, never granian's bare
500 (which is what a failing error page ends in)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup
from django.db import connection

from conftest import ROOT
from tests.test_demo_serve import free_port
from tests.test_error_pages import closed_port

START_SECONDS = 60  # the longest the server may take to answer at all


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def unreachable_database(tmp_path: Path) -> str:
    """PostgreSQL: a port nobody listens on. SQLite: a file in a folder that is not there."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'gone' / 'masthead.sqlite3'}"
    return f"postgres://postgres@127.0.0.1:{closed_port()}/masthead"


def test_the_server_answers_with_its_error_pages_while_the_database_is_down(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL"}}
    env |= {
        "DATABASE_URL": unreachable_database(tmp_path),
        "DJANGO_SETTINGS_MODULE": "masthead.settings.local",
        "MASTHEAD_VAR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert server.poll() is None, "the server exited"
            try:
                if fetch(f"{base}/robots.txt")[0] == 200:  # needs no database
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server never answered"
            time.sleep(0.3)
        for path, status, title in [
            ("/", 500, "Something went wrong"),
            ("/globallead/", 500, "Something went wrong"),
            ("/media/no-such-photo.jpg", 404, "Page not found"),
        ]:
            code, content_type, body = fetch(base + path)
            assert (code, content_type.split(";")[0]) == (status, "text/html"), path
            soup = BeautifulSoup(body, "html.parser")
            assert soup.find("h1").get_text() == title
            assert soup.find("a", class_="wordmark") is not None and soup.find("footer")
    finally:
        server.terminate()
        server.wait(timeout=30)
