"""Feed polling inside `masthead worker`: claim due feeds, poll them a few at a time, repeat.

Any number of workers on any number of machines may run this: claims (services.feeds_claim)
make sure a feed is polled by one of them at a time, and a claim of a worker that died runs
out, so its feeds are polled again later, never lost; items already taken are recognised, so
none is queued twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import deque

from django.conf import settings
from django.db import connection

from masthead.core.worker.outage import DATABASE_ERRORS, run_rounds

from . import services
from .models import Feed

logger = logging.getLogger(__name__)

IDLE_SECONDS = 5.0  # with nothing due, look again after this long


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class FeedPoller:
    def __init__(self, *, threads: int | None = None, name: str | None = None) -> None:
        self.threads = threads or settings.MASTHEAD_FEED_THREADS
        self.name = name or worker_name()

    def _poll(self, feed: Feed) -> str:
        try:
            return services.feed_poll(feed, worker=self.name).status
        except DATABASE_ERRORS:
            raise  # the database is away: the round stops, the loop waits it out
        except Exception:
            logger.exception("polling %s failed", feed.url)
            return "error"

    def run_round(self) -> int:
        """Poll every feed that is due now; the number polled.

        Each of the threads takes the next claimed feed as soon as it is done with one (a
        slow feed holds up no other), claiming a few more when the claimed ones run out; it
        keeps its database connection for the round and closes it at the end. When the
        database goes away the threads stop and the round raises its error."""
        claimed: deque[Feed] = deque()
        lock = threading.Lock()
        polled = [0]
        exhausted = threading.Event()
        lost: list[Exception] = []

        def next_feed() -> Feed | None:
            with lock:
                if not claimed and not exhausted.is_set():
                    claimed.extend(services.feeds_claim(worker=self.name, limit=self.threads * 4))
                    if not claimed:
                        exhausted.set()
                if not claimed:
                    return None
                polled[0] += 1
                return claimed.popleft()

        def work() -> None:
            try:
                while not lost and (feed := next_feed()) is not None:
                    self._poll(feed)
            except DATABASE_ERRORS as error:
                lost.append(error)
            except Exception:
                logger.exception("feed polling failed")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=work, name=f"feeds-{index}", daemon=True)
            for index in range(self.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if lost:
            raise lost[0]
        return polled[0]

    def run(self, stop: threading.Event) -> None:
        run_rounds(stop, name="feed polling", work=self.run_round, idle_seconds=IDLE_SECONDS)


class FeedLoop:
    """Feed polling as a worker loop (settings.MASTHEAD_WORKER_LOOPS)."""

    @staticmethod
    def forever(stop: threading.Event) -> None:
        FeedPoller().run(stop)

    @staticmethod
    def once() -> int:
        return FeedPoller().run_round()
