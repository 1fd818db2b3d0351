"""Leases: which workers are alive, and what becomes of the tasks of one that is not.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker killed mid-task leaves it running for ever. So every `masthead worker` holds a lease
(WorkerLease) that it renews every few seconds, and every worker now and then returns to the
queue the running tasks of workers whose lease ran out, counting the claims (each one added
the claimant to ``DBTaskResult.worker_ids``): a task claimed TASK_MAX_ATTEMPTS times by
workers that died is given up, FAILED with the reason, and logged. Tasks are written to be
safe to run twice (docs/decisions/0010-task-leases.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ..models import WorkerLease
from .outage import run_rounds

logger = logging.getLogger(__name__)

HEARTBEATS_PER_LEASE = 6  # a lease outlives five missed renewals (a slow or locked database)
RECLAIMS_PER_LEASE = 2  # how often per lease length each worker looks for dead workers' tasks
TASK_MAX_ATTEMPTS = 3  # claims of one task by workers that died, before it is given up
LEASE_KEPT = dt.timedelta(days=1)  # an expired lease stays listed this long, for whoever looks

# What a task that failed only because the database was away raised; it is run again.
OUTAGE_ERRORS = {"django.db.utils.OperationalError", "django.db.utils.InterfaceError"}


class TaskGivenUp(Exception):
    """Recorded as the error of a task given up: at every attempt its worker died, or the
    database went away under it."""


def lease_seconds() -> float:
    return float(settings.MASTHEAD_WORKER_LEASE_SECONDS)


def new_worker_id() -> str:
    """Unique across the pool (django-tasks-db's rule) and telling an operator where it runs."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def worker_lease_renew(*, worker_id: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    expires = now + dt.timedelta(seconds=lease_seconds())
    if WorkerLease.objects.filter(pk=worker_id).update(renewed_at=now, expires_at=expires):
        return
    try:
        with transaction.atomic():
            WorkerLease.objects.create(
                worker_id=worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                renewed_at=now,
                expires_at=expires,
            )
    except IntegrityError:  # this worker's other thread made it a moment ago
        WorkerLease.objects.filter(pk=worker_id).update(renewed_at=now, expires_at=expires)


def worker_lease_end(*, worker_id: str) -> None:
    """A worker stopping: its lease goes at once, so a task it was made to abandon (a second
    Ctrl-C) is reclaimed as soon as it is old enough."""
    WorkerLease.objects.filter(pk=worker_id).delete()


@dataclass(frozen=True)
class Reclaimed:
    requeued: int = 0
    given_up: int = 0


def tasks_reclaim(*, worker_id: str = "", now: dt.datetime | None = None) -> Reclaimed:
    """Return to the queue the running tasks whose worker's lease ran out (``worker_id``, the
    caller, counts as alive), or give them up after TASK_MAX_ATTEMPTS claims. A task is
    looked at only once it has run for a lease length: its worker had time to renew."""
    now = now or timezone.now()
    requeued = given_up = 0
    with transaction.atomic():
        WorkerLease.objects.filter(expires_at__lt=now - LEASE_KEPT).delete()
        # Lock, then check, then write. FOR UPDATE SKIP LOCKED: two workers reclaiming at
        # once take different rows, and a row reclaimed meanwhile is no longer RUNNING when
        # the other looks. SQLite: the write lock taken at BEGIN serializes reclaims.
        running = list(
            DBTaskResult.objects.running()
            .filter(started_at__lt=now - dt.timedelta(seconds=lease_seconds()))
            .select_for_update(skip_locked=True)
        )
        if not running:
            return Reclaimed()
        alive = set(
            WorkerLease.objects.filter(expires_at__gt=now).values_list("worker_id", flat=True)
        )
        if worker_id:
            alive.add(worker_id)
        for task in running:
            claimant = task.worker_ids[-1] if task.worker_ids else ""
            if claimant in alive:
                continue
            reason = f"its worker {claimant or '(unknown)'} stopped renewing its lease"
            if _requeue_or_give_up(task, now=now, reason=reason):
                requeued += 1
            else:
                given_up += 1
    return Reclaimed(requeued=requeued, given_up=given_up)


def task_settle_after_outage(*, task_id: str, worker_id: str) -> bool:
    """A task ``worker_id`` ran while the database was away: if its result could not be
    written (still RUNNING) or it failed only because of the outage, it goes back to the
    queue (within TASK_MAX_ATTEMPTS). True if it did."""
    now = timezone.now()
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        if task is None or not task.worker_ids or task.worker_ids[-1] != worker_id:
            return False  # gone, or reclaimed and claimed by another worker since
        if task.status == TaskResultStatus.RUNNING:
            reason = "its result could not be written while the database was away"
        elif task.status == TaskResultStatus.FAILED and task.exception_class_path in OUTAGE_ERRORS:
            reason = "it failed while the database was away"
        else:
            return False
        return _requeue_or_give_up(task, now=now, reason=reason)


def _requeue_or_give_up(task: DBTaskResult, *, now: dt.datetime, reason: str) -> bool:
    """In the caller's transaction, ``task`` locked: back to READY, or FAILED once it was
    claimed TASK_MAX_ATTEMPTS times. True if requeued."""
    attempts = len(task.worker_ids)
    if attempts < TASK_MAX_ATTEMPTS:
        DBTaskResult.objects.filter(pk=task.pk).update(
            status=TaskResultStatus.READY, finished_at=None, exception_class_path="", traceback=""
        )
        logger.warning(
            "task %s (%s) back in the queue: %s (attempt %d of %d)",
            task.pk,
            task.task_path,
            reason,
            attempts,
            TASK_MAX_ATTEMPTS,
        )
        return True
    message = f"given up after {attempts} attempts: {reason}"
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{TaskGivenUp.__module__}.{TaskGivenUp.__qualname__}",
        traceback=f"{TaskGivenUp.__module__}.{TaskGivenUp.__qualname__}: {message}\n",
    )
    logger.error("task %s (%s) %s", task.pk, task.task_path, message)
    return False


def hold_lease(stop: threading.Event, *, worker_id: str) -> None:
    """Renew ``worker_id``'s lease until ``stop``; through an outage, as soon as it is over."""

    def renew() -> int:
        worker_lease_renew(worker_id=worker_id)
        return 0

    run_rounds(
        stop, name="worker lease", work=renew, idle_seconds=lease_seconds() / HEARTBEATS_PER_LEASE
    )


def reclaim_tasks(stop: threading.Event, *, worker_id: str) -> None:
    """Look for dead workers' tasks until ``stop``."""

    def reclaim() -> int:
        tasks_reclaim(worker_id=worker_id)
        return 0

    run_rounds(
        stop, name="task reclaim", work=reclaim, idle_seconds=lease_seconds() / RECLAIMS_PER_LEASE
    )
