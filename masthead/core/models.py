from __future__ import annotations

from django.db import models


class WorkerLease(models.Model):
    """A running `masthead worker`, as long as it keeps renewing this; a task claimed by a
    worker whose lease ran out goes back to the queue (core/worker/leases.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)  # as in DBTaskResult.worker_ids
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    renewed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} (until {self.expires_at:%Y-%m-%d %H:%M:%S})"
