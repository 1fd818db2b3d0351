"""What the in-process benchmarks (bench/front_ranking.py, bench/moderation_queue.py) share:
Django set up on a fresh database of the benchmark's own, dropped afterwards, and the p95
they report. They measure through Django's test client, so no server is started."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def django_on_fresh_database(*, db: str, database: str, prefix: str) -> Path:
    """Set Django up on an empty database: a SQLite file in a new working folder (returned),
    or the PostgreSQL database ``database``, dropped and created again. Local settings, an
    in-memory cache, rate limits off."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="masthead.settings.local",
        MASTHEAD_VAR=str(work),
        CACHE_URL="locmem://",
        MASTHEAD_RATE_LIMITS_ENABLED="0",
    )
    if db == "postgres":
        subprocess.run(["dropdb", *PG, "--if-exists", database], check=True)
        subprocess.run(["createdb", *PG, database], check=True)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return work


def drop_database(*, db: str, database: str) -> None:
    """Close Django's connections and drop the PostgreSQL database the benchmark made."""
    from django.db import connections

    connections.close_all()
    if db == "postgres":
        subprocess.run(["dropdb", *PG, database], check=False)


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]
