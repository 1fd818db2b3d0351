"""A worker's loops when the database goes away: wait, reconnect, carry on.

A database restart, a failover or a network cut breaks every connection a worker holds. Its
loops (the task queue, its lease, feed polling, digests) must neither die nor fill the log:
each keeps an ``Outage``, which drops the broken connection, warns once, waits longer each
time (capped, and with jitter, so that many workers do not all reconnect in the same
instant), and says when the database answers again. SQLite's "database is locked" (another
writer held the lock past the busy timeout) is a quiet retry: the database is there, busy.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)

logger = logging.getLogger(__name__)

# What a lost, refused or locked database raises; errors in what was asked of it (a broken
# constraint, bad SQL) are other DatabaseErrors, and are not waited out.
DATABASE_ERRORS = (OperationalError, InterfaceError)

RETRY_FIRST_SECONDS = 0.5  # most restarts and failovers are over within a few seconds
RETRY_MAX_SECONDS = 30.0  # a database that is back is noticed within this long
RETRY_JITTER = 0.25  # up to this fraction more, at random: workers do not reconnect in step
LOCKED_RETRY_SECONDS = 0.2  # after a busy timeout ran out: the holder of the lock is at work


def is_locked(error: BaseException) -> bool:
    """SQLite's busy timeout ran out (or MySQL's lock wait): the database is there."""
    first = error.args[0] if error.args else None
    return (isinstance(first, str) and "is locked" in first.lower()) or first == 1205


def retry_delay(failures: int) -> float:
    """Seconds to wait after the ``failures``-th failure in a row."""
    base = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** max(failures - 1, 0))
    return base * (1 + random.uniform(0, RETRY_JITTER))  # noqa: S311 - jitter, not secrecy


def close_connections() -> None:
    """Drop this thread's connections; the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()


class Outage:
    """One loop's view of the database being away."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.failures = 0
        self.since = 0.0

    def wait_after(self, error: BaseException) -> float:
        """Seconds to wait before trying again; warns at the first failure of an outage."""
        close_connections()
        if is_locked(error):
            logger.debug("%s: database is locked, retrying", self.name)
            return LOCKED_RETRY_SECONDS
        self.failures += 1
        delay = retry_delay(self.failures)
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if self.failures == 1:
            self.since = time.monotonic()
            logger.warning(
                "%s: database unavailable (%s), retrying in %.1f s", self.name, reason, delay
            )
        else:
            logger.debug("%s: database still unavailable, retrying in %.1f s", self.name, delay)
        return delay

    def over(self) -> None:
        """The database answered: after an outage, say so."""
        if self.failures:
            logger.info(
                "%s: database available again after %.0f s",
                self.name,
                time.monotonic() - self.since,
            )
            self.failures = 0


def run_rounds(
    stop: threading.Event,
    *,
    name: str,
    work: Callable[[], int],
    idle_seconds: float,
    busy_seconds: float = 0.0,
) -> None:
    """Call ``work`` until ``stop`` is set: after a round that did something (``work``
    returned more than 0) wait ``busy_seconds``, else ``idle_seconds``; through a database
    outage, wait it out. Any other error is logged and the loop goes on."""
    outage = Outage(name)
    while not stop.is_set():
        try:
            close_old_connections()
            done = work()
        except DATABASE_ERRORS as error:
            stop.wait(outage.wait_after(error))
            continue
        except Exception:
            logger.exception("%s: round failed", name)
            done = 0
        else:
            outage.over()
        stop.wait(busy_seconds if done else idle_seconds)
