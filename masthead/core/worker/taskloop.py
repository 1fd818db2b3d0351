"""The task queue's loop: django-tasks-db's worker, riding out database outages.

Its own loop (``Worker.run``) dies on the first connection error, and a task whose result
could not be written stays RUNNING for ever. This one claims tasks as the library does and
runs them with the library's ``run_task``; through an outage it waits (outage.Outage), and a
task it ran meanwhile goes back to the queue once the database is back (leases.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import close_old_connections
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .leases import OUTAGE_ERRORS, task_settle_after_outage
from .outage import DATABASE_ERRORS, Outage

logger = logging.getLogger(__name__)


class TaskWorker(Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unsettled: list[str] = []  # ids of tasks run while the database was away

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task = tasks.get_locked()
            if task is not None:
                task.claim(self.worker_id)  # RUNNING, and this worker added to worker_ids
        return task

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_ERRORS:
            self.unsettled.append(str(db_task_result.pk))  # its result was never written
            return
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in OUTAGE_ERRORS
        ):
            self.unsettled.append(str(db_task_result.pk))

    def settle(self) -> None:
        while self.unsettled:
            task_settle_after_outage(task_id=self.unsettled[0], worker_id=self.worker_id)
            self.unsettled.pop(0)

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        outage = Outage("task queue")
        while self.running:
            try:
                close_old_connections()
                self.settle()
                task = self.claim_next()
            except DATABASE_ERRORS as error:
                time.sleep(outage.wait_after(error))
                continue
            outage.over()
            if task is not None:
                self.run_task(task)
            elif self.batch:
                logger.info("No more tasks to run for worker_id=%s", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks, worker_id=%s stops", self._run_tasks, self.worker_id)
                return
            if self.running and task is None:
                time.sleep(self.interval)
