"""The two engines behind one interface: each turns a parsed ``Query`` and ``Filters`` into
story ids, ranked, using its database's own full-text search (sqlite.py: FTS5 and bm25;
postgres.py: tsvector, GIN and ts_rank over a bounded set of candidates). What a reader may
see is decided by joining the story's own row (``filters.py``), never by the index.
"""

from __future__ import annotations

from types import ModuleType

from django.db import connection


def engine() -> ModuleType:
    """The engine of the default database."""
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite
