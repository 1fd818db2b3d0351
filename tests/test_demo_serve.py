"""`masthead demo` serves the site with a worker beside it, as `make demo` runs it: a reply
written while it runs reaches the inbox of the member it answers, through the worker."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.nodb

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


def inbox_of(database: Path, handle: str) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT n.kind, c.body_source FROM notifications_notification n "
            "JOIN discussion_comment c ON c.id = n.comment_id "
            "JOIN accounts_profile p ON p.user_id = n.recipient_id WHERE p.handle = ?",
            (handle,),
        ).fetchall()


def test_the_demo_runs_a_worker_that_delivers_notifications(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env |= {"MASTHEAD_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "masthead.settings.local"}
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not answers(f"http://127.0.0.1:{port}/") and time.monotonic() < deadline:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            time.sleep(0.5)
        database = tmp_path / "masthead.sqlite3"
        before = len(inbox_of(database, "ameliaw"))
        subprocess.run(
            [sys.executable, "-m", "masthead.cli", "shell", "-c", REPLY],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 60
        while len(inbox_of(database, "ameliaw")) == before and time.monotonic() < deadline:
            time.sleep(0.5)
        assert ("reply", "Written while the demo runs") in inbox_of(database, "ameliaw")
    finally:
        demo.send_signal(signal.SIGTERM)
        output, _ = demo.communicate(timeout=30)
    assert "Written while the demo runs" in output  # the console e-mail, printed by the worker
    assert demo.returncode == 0
