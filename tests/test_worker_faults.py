"""`masthead worker` processes under faults: the database goes away under a running worker and
comes back (the worker waits, says so, and carries on), and a worker is killed mid-task (another
worker takes the task over once the dead one's lease runs out)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import ROOT, database_url, kill_midway
from masthead.core.tests.tcpproxy import TcpProxy
from masthead.core.tests.webserver import Reply, Request
from masthead.discussion.services import comment_create
from masthead.ingest.models import Item
from masthead.ingest.services import candidate_submit
from masthead.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 90  # the longest a test waits for a worker to do what it must (a busy machine)
LEASE_SECONDS = 2  # the workers' lease here: a killed worker's task is reclaimed quickly
SQLITE_BUSY_SECONDS = 1  # the worker's busy timeout here, so a held lock makes it fail soon
OUTAGE_SECONDS = 4  # how long the database stays away


def worker_env(tmp_path: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.local",
        "MASTHEAD_VAR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MASTHEAD_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "MASTHEAD_SQLITE_BUSY_SECONDS": str(SQLITE_BUSY_SECONDS),
        "MASTHEAD_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",  # the tests' own web server
        "PYTHONUNBUFFERED": "1",
    }


def start_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(what: str, check: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        assert process.poll() is None, f"the worker exited ({process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def database_away(proxy: TcpProxy | None) -> Iterator[None]:
    """PostgreSQL: the worker's proxy cut, as while the server restarts. SQLite has no server
    to restart; what takes it away from a worker is another process holding the write lock
    past the busy timeout (a long migration, VACUUM, a stuck writer): the worker's claims then
    fail with "database is locked" until it lets go."""
    if proxy is not None:
        proxy.cut()
        try:
            yield
        finally:
            proxy.restore()
        return
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_worker_carries_on_after_the_database_comes_back(
    settings: Any, tmp_path: Path, story: Any, member: Any, other_member: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    proxy = None
    url = database_url()
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)).start()
        url = url.replace(f"@{db['HOST']}:{db['PORT'] or 5432}/", f"@127.0.0.1:{proxy.port}/")
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env(tmp_path, url), log, "-v", "2")
    try:
        text = lambda: log.read_text(errors="replace")  # noqa: E731
        wait_for("the worker's start", lambda: "Starting worker" in text(), worker)
        opening, _ = comment_create(actor=member, story=story, body="Before the outage")
        comment_create(actor=other_member, story=story, body="A reply", parent=opening)
        wait_for(
            "the first tasks",
            lambda: (
                Notification.objects.exists()
                and not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
            ),
            worker,
        )

        with database_away(proxy):
            if proxy is not None:
                wait_for("the warning", lambda: "database unavailable" in text(), worker)
            else:
                wait_for("a locked claim", lambda: "database is locked" in text(), worker)
            time.sleep(OUTAGE_SECONDS)  # several retries, each after a longer wait
            assert worker.poll() is None

        comment_create(actor=other_member, story=story, body="After the outage", parent=opening)
        wait_for("the second notification", lambda: Notification.objects.count() == 2, worker)
        assert worker.poll() is None  # the same process, still running
        if proxy is not None:
            assert text().count("task queue: database unavailable") == 1  # once per outage
            assert "task queue: database available again" in text()
            assert "Traceback" not in text()
    finally:
        stop(worker)
        if proxy is not None:
            proxy.stop()


def test_a_task_whose_worker_was_killed_is_run_by_another_worker(
    settings: Any, tmp_path: Path, web: Any, curator: Any, channel: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = (
        b"<html><head><title>Harbour Reopens | The Ledger</title></head><body><article>"
        b"<h1>Harbour Reopens</h1>"
        + b"<p>The harbour reopened to ferries and fishing boats after the storm.</p>" * 6
        + b"</article></body></html>"
    )

    def article(request: Request) -> Reply:
        if len([r for r in web.requests if r.path == "/harbour"]) == 1:
            # The first worker's fetch: the server is slow, and the worker dies meanwhile.
            return Reply(200, iter([b"<html>", b"</html>"]), chunk_delay=WAIT_SECONDS)
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    url = web.route("/harbour", article)
    candidate_submit(actor=curator, channel=channel, url=url)
    task = DBTaskResult.objects.get()
    env = worker_env(tmp_path, database_url())

    kill_midway(
        ["worker", "--no-loops"],
        env,
        done=lambda: any(r.path == "/harbour" for r in web.requests),
        frozen_table=DBTaskResult._meta.db_table,
    )
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING  # what a killed worker leaves behind
    assert Item.objects.get().fetch_state == Item.Fetch.QUEUED

    log = tmp_path / "second.log"
    second = start_worker(env, log, "--no-loops")
    try:
        wait_for(
            "the task to be run again",
            lambda: DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL,
            second,
        )
    finally:
        stop(second)
    task.refresh_from_db()
    first_worker, second_worker = task.worker_ids
    assert first_worker != second_worker
    item = Item.objects.get()
    assert item.fetch_state == Item.Fetch.DONE and item.title == "Harbour Reopens"
    assert "back in the queue" in log.read_text() and "attempt 1 of 3" in log.read_text()
