from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from masthead.core.worker.leases import (
    hold_lease,
    new_worker_id,
    reclaim_tasks,
    tasks_reclaim,
    worker_lease_end,
    worker_lease_renew,
)
from masthead.core.worker.outage import DATABASE_ERRORS
from masthead.core.worker.taskloop import TaskWorker

STOP_SECONDS = 30  # how long a stopping worker waits for its loops to finish their round
LOGGERS = ["django_tasks", "django_tasks_db", "masthead.core.worker"]  # what -v sets
LEVELS = {0: logging.CRITICAL, 1: logging.INFO}  # and 2 or more: DEBUG


class Command(BaseCommand):
    help = (
        "Run background work: queued tasks (django-tasks, database backend) and the loops "
        "in MASTHEAD_WORKER_LOOPS (feed polling, e-mail digests). Run as many workers as "
        "you like, on as many machines as share the database; a database outage is waited "
        "out, and the tasks of a worker that died are run again by the others."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="*", help="queue name(s), comma-separated, or *")
        parser.add_argument(
            "--batch",
            action="store_true",
            help="one round of every loop, then the queued tasks, then exit",
        )
        parser.add_argument("--worker-id", default=None, help="unique in the pool, 64 at most")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--no-loops",
            action="store_true",
            help="queued tasks only (no feed polling, no digests)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in LOGGERS:
            logging.getLogger(name).setLevel(LEVELS.get(options["verbosity"], logging.DEBUG))
        worker_id = (options["worker_id"] or new_worker_id())[:64]
        queues = options["queue"].split(",")
        worker = TaskWorker(
            queue_names=queues,
            interval=1,
            batch=options["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        loops = [] if options["no_loops"] else list(settings.MASTHEAD_WORKER_LOOPS)
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=hold_lease, args=(stop,), kwargs={"worker_id": worker_id}, name="lease"
            )
        ]
        if options["batch"]:
            worker_lease_renew(worker_id=worker_id)
            reclaimed = tasks_reclaim(worker_id=worker_id)
            self.stdout.write(f"reclaimed {reclaimed.requeued}, gave up {reclaimed.given_up}")
            for path in loops:
                self.stdout.write(f"{path}: {import_string(path).once()} done")
        else:
            threads.append(
                threading.Thread(
                    target=reclaim_tasks,
                    args=(stop,),
                    kwargs={"worker_id": worker_id},
                    name="reclaim",
                )
            )
            threads += [
                threading.Thread(target=import_string(path).forever, args=(stop,), name=path)
                for path in loops
            ]
        for thread in threads:
            thread.daemon = True
            thread.start()
        try:
            worker.configure_signals()
            worker.run()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=STOP_SECONDS)
            with contextlib.suppress(*DATABASE_ERRORS):
                worker_lease_end(worker_id=worker_id)
