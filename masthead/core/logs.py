"""Logging filters the settings' LOGGING names. Imported while logging is configured, before
the apps are ready: nothing here may import a model."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# A member's private feed address (feeds/urls.py): its second segment is the secret.
_PRIVATE_FEED = re.compile(r"/feeds/[^/\s?#]+/")


class TaskRunsAtDebug(logging.Filter):
    """For the ``django_tasks`` logger: each task's start and end, which it logs at INFO, are
    DEBUG for the ``tasks`` named (their paths), tasks that run after every publication or
    edit and would fill a worker's log with two lines a story. A failure stays an error."""

    def __init__(self, tasks: Iterable[str] = ()) -> None:
        super().__init__()
        self.tasks = frozenset(tasks)

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        # django_tasks' lines: "Task id=%s path=%s state=%s" (its signals.py).
        if record.levelno != logging.INFO or len(args) < 2 or args[1] not in self.tasks:
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


class PrivateFeedAddresses(logging.Filter):
    """For the request loggers: a line naming a member's private feed address (a 404 for a
    page past its last, a server error) names it without its token, which is the secret that
    lets anyone read the feed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/feeds/" in message:
            record.msg, record.args = _PRIVATE_FEED.sub("/feeds/…/", message), ()
        return True
