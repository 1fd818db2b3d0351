"""Settings for the test suite: the real databases, fast password hashing, no outbound mail."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

SECRET_KEY = "masthead-tests-only-f1e2d3c4b5a6"  # noqa: S105 - tests only
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]  # allauth: False turns them off
WHITENOISE_USE_FINDERS = True
# Off for view tests, whose transactions never commit; core/tests/test_pagecache.py turns it on.
MASTHEAD_PAGE_CACHE = False
# Tests serve their inputs from 127.0.0.1; the SSRF tests turn this off again.
MASTHEAD_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
MASTHEAD_FETCH_HOST_DELAY = 0.0
MASTHEAD_FETCH_PER_HOST = 8
MASTHEAD_FETCH_REFUSE_IN_TRANSACTION = True  # fetch first, then write: a fetch inside fails

VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has none yet

# SQLite tests use a file, not Django's shared in-memory database: concurrency tests need the
# same WAL and locking behaviour as a real installation.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3")
    }
