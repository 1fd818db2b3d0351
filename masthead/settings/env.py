"""Reading settings from the environment, with the parsing rules in one place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate written ``N/S``: N attempts in S seconds."""
    raw = os.environ.get(name, "").strip() or default
    count, _sep, seconds = raw.partition("/")
    try:
        rate = int(count), int(seconds)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate like 10/900.") from None
    if rate[0] < 1 or rate[1] < 1:
        raise ImproperlyConfigured(f"{name}={raw!r}: both numbers must be at least 1.")
    return rate


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def var_dir() -> Path:
    """Where Masthead keeps its files: the SQLite database, uploads, the file cache."""
    return Path(os.environ.get("MASTHEAD_VAR", Path.cwd() / "var")).resolve()


# SQLite is the embedded default. WAL lets readers run beside the single writer; IMMEDIATE
# takes the write lock when a transaction begins, so two writers queue on the busy timeout
# instead of failing with "database is locked" when one upgrades from a read.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-20000;"
)
SQLITE_BUSY_TIMEOUT_SECONDS = 20  # a writer waits this long for the lock before giving up


DATABASE_CONNECTION_SECONDS = 600  # a server process keeps its connection this long


def database_config(default_sqlite_path: Path) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, Any] = dict(
            dj_database_url.parse(
                url,
                conn_max_age=DATABASE_CONNECTION_SECONDS,
                conn_health_checks=env_bool("DATABASE_HEALTH_CHECKS", True),
            )
        )
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = sqlite_options()
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite_path),
        "OPTIONS": sqlite_options(),
        # Kept like a server's PostgreSQL connection: opening the file and running the
        # pragmas cost more than most queries (an API read kept in memory asks one query).
        "CONN_MAX_AGE": DATABASE_CONNECTION_SECONDS,
    }


def sqlite_options() -> dict[str, Any]:
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("MASTHEAD_SQLITE_BUSY_SECONDS", SQLITE_BUSY_TIMEOUT_SECONDS),
        "init_command": SQLITE_PRAGMAS,
    }


def cache_config(default_dir: Path) -> dict[str, Any]:
    """``CACHE_URL``: ``redis://host:port/db``, ``file:///path``, ``db://``, ``locmem://``.

    The default is a file cache under ``var/``: shared by every process on the machine, so
    invalidation reaches all server workers. Several machines need Redis.
    """
    url = os.environ.get("CACHE_URL", "").strip()
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(default_dir),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    scheme = url.split(":", 1)[0]
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "masthead.core.cachebackends.Redis", "LOCATION": url}
    if scheme == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": url.removeprefix("file://"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "masthead_cache",
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL scheme {scheme!r} is not one of redis, file, db, locmem."
    )
