"""The worker's pieces on their own: how long it waits through an outage and what it logs,
and the leases that return a dead worker's tasks to the queue, a bounded number of times."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from masthead.core.models import WorkerLease
from masthead.core.worker import outage
from masthead.core.worker.leases import (
    TASK_MAX_ATTEMPTS,
    Reclaimed,
    task_settle_after_outage,
    tasks_reclaim,
    worker_lease_end,
    worker_lease_renew,
)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def noop(value: int) -> int:
    """A task to queue; these tests only claim it."""
    return value


def test_the_wait_grows_to_a_cap_with_jitter() -> None:
    waits = [outage.retry_delay(n) for n in range(1, 12)]
    assert outage.RETRY_FIRST_SECONDS <= waits[0] <= outage.RETRY_FIRST_SECONDS * 1.25
    assert waits[3] >= 4 * waits[0] / 1.25  # doubling
    assert all(
        outage.RETRY_MAX_SECONDS <= w <= outage.RETRY_MAX_SECONDS * (1 + outage.RETRY_JITTER)
        for w in waits[-3:]
    )


def test_an_outage_is_logged_once_and_its_end_too(caplog: Any) -> None:
    caplog.set_level(logging.DEBUG, logger="masthead.core.worker.outage")
    loop = outage.Outage("task queue")
    for _ in range(4):
        loop.wait_after(OperationalError("connection refused"))
    loop.over()
    loop.over()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage().split(" (")[0] for r in warnings] == ["task queue: database unavailable"]
    assert sum("available again" in r.getMessage() for r in caplog.records) == 1


def test_a_locked_sqlite_database_is_a_quiet_retry(caplog: Any) -> None:
    loop = outage.Outage("task queue")
    assert loop.wait_after(OperationalError("database is locked")) == outage.LOCKED_RETRY_SECONDS
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert loop.failures == 0


@pytest.fixture
def queued(settings: Any, db: Any) -> DBTaskResult:
    settings.TASKS = DATABASE_BACKEND
    return DBTaskResult.objects.get(pk=noop.enqueue(1).id)


def claim(task: DBTaskResult, worker: str) -> DBTaskResult:
    """What a worker's claim writes (django-tasks-db's own ``claim``), on a fresh copy."""
    fresh = DBTaskResult.objects.get(pk=task.pk)
    fresh.claim(worker)
    return fresh


def later(minutes: int = 5) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_a_dead_workers_task_goes_back_to_the_queue(queued: DBTaskResult) -> None:
    claim(queued, "dead-worker")
    assert tasks_reclaim(now=later()) == Reclaimed(requeued=1)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.READY and queued.worker_ids == ["dead-worker"]


def test_a_live_workers_task_stays_with_it(queued: DBTaskResult) -> None:
    claim(queued, "live-worker")
    worker_lease_renew(worker_id="live-worker", now=later())
    assert tasks_reclaim(now=later()) == Reclaimed()
    assert tasks_reclaim(worker_id="me", now=later(60)) == Reclaimed(requeued=1)  # it died


def test_a_task_just_claimed_is_left_alone(queued: DBTaskResult) -> None:
    claim(queued, "worker-without-a-lease-yet")
    assert tasks_reclaim() == Reclaimed()  # its worker has a lease length to renew


def test_reclaiming_twice_reclaims_once(queued: DBTaskResult) -> None:
    claim(queued, "dead-worker")
    moment = later()
    assert tasks_reclaim(now=moment) == Reclaimed(requeued=1)
    assert tasks_reclaim(now=moment) == Reclaimed()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.READY and len(queued.worker_ids) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_reclaiming_at_once_reclaim_once(settings: Any) -> None:
    settings.TASKS = DATABASE_BACKEND
    task = DBTaskResult.objects.get(pk=noop.enqueue(1).id)
    claim(task, "dead-worker")
    moment, start = later(), threading.Barrier(2)
    results: list[Reclaimed] = []

    def reclaim(worker_id: str) -> None:
        from django.db import connection

        start.wait()
        try:
            results.append(tasks_reclaim(worker_id=worker_id, now=moment))
        finally:
            connection.close()

    threads = [threading.Thread(target=reclaim, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.requeued for r in results) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY and task.worker_ids == ["dead-worker"]


def test_a_task_whose_workers_keep_dying_is_given_up(queued: DBTaskResult, caplog: Any) -> None:
    for attempt in range(1, TASK_MAX_ATTEMPTS):
        claim(queued, f"dead-{attempt}")
        assert tasks_reclaim(now=later()) == Reclaimed(requeued=1)
    claim(queued, f"dead-{TASK_MAX_ATTEMPTS}")
    assert tasks_reclaim(now=later()) == Reclaimed(given_up=1)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.FAILED
    assert queued.exception_class_path == "masthead.core.worker.leases.TaskGivenUp"
    assert f"given up after {TASK_MAX_ATTEMPTS} attempts" in queued.traceback
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)
    assert tasks_reclaim(now=later(60)) == Reclaimed()  # and it stays given up


def test_a_result_lost_in_an_outage_is_run_again(queued: DBTaskResult) -> None:
    claim(queued, "me")  # ran, but its result could not be written
    assert task_settle_after_outage(task_id=str(queued.pk), worker_id="me")
    assert not task_settle_after_outage(task_id=str(queued.pk), worker_id="me")  # once
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.READY


def test_a_task_that_failed_because_of_the_outage_is_run_again(queued: DBTaskResult) -> None:
    claim(queued, "me").set_failed(OperationalError("server closed the connection"))
    assert task_settle_after_outage(task_id=str(queued.pk), worker_id="me")
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.READY and queued.traceback == ""


def test_a_task_that_failed_on_its_own_stays_failed(queued: DBTaskResult) -> None:
    claim(queued, "me").set_failed(ValueError("a bug"))
    assert not task_settle_after_outage(task_id=str(queued.pk), worker_id="me")
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.FAILED


def test_a_task_taken_over_by_another_worker_is_not_touched(queued: DBTaskResult) -> None:
    claim(queued, "me")
    tasks_reclaim(now=later())
    claim(queued, "other")
    assert not task_settle_after_outage(task_id=str(queued.pk), worker_id="me")
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.RUNNING and queued.worker_ids == ["me", "other"]


def test_a_lease_is_renewed_in_place_and_ends_with_its_worker(db: Any) -> None:
    worker_lease_renew(worker_id="w")
    first = WorkerLease.objects.get().expires_at
    worker_lease_renew(worker_id="w", now=later())
    assert WorkerLease.objects.get().expires_at > first
    worker_lease_end(worker_id="w")
    assert not WorkerLease.objects.exists()
