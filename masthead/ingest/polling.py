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
from django.db import close_old_connections, connection

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
        except Exception:
            logger.exception("polling %s failed", feed.url)
            return "error"

    def run_round(self) -> int:
        """Poll every feed that is due now; the number polled.

        Each of the threads takes the next claimed feed as soon as it is done with one (a
        slow feed holds up no other), claiming a few more when the claimed ones run out; it
        keeps its database connection for the round and closes it at the end."""
        claimed: deque[Feed] = deque()
        lock = threading.Lock()
        polled = [0]
        exhausted = threading.Event()

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
                while (feed := next_feed()) is not None:
                    self._poll(feed)
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
        return polled[0]

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                polled = self.run_round()
            except Exception:
                logger.exception("feed polling round failed")
                polled = 0
            if not polled:
                stop.wait(IDLE_SECONDS)


class FeedLoop:
    """Feed polling as a worker loop (settings.MASTHEAD_WORKER_LOOPS)."""

    @staticmethod
    def forever(stop: threading.Event) -> None:
        FeedPoller().run(stop)

    @staticmethod
    def once() -> int:
        return FeedPoller().run_round()
