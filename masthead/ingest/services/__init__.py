"""Writes for curating from the web: items, candidates in review queues, feed subscriptions
and their polling. Stories are created only through masthead.stories.services.

Work that goes to the network runs in the background (ingest/tasks.py, whose bodies are in
ingest/jobs.py) and is enqueued after the commit that asked for it. What a service fetches
itself (a feed to subscribe to, a feed to poll) it fetches before its transaction opens.
"""

from .candidates import (
    IMAGE_MAX_BYTES,
    Submission,
    candidate_accept,
    candidate_initial,
    candidate_refetch,
    candidate_submit,
    candidates_dismiss,
    stories_for_url,
)
from .items import (
    NEAR_DUPLICATE_DAYS,
    item_find_or_create,
)
from .polls import (
    BACKOFF_MAX_SECONDS,
    CLAIM_SECONDS,
    DEAD_AFTER_DAYS,
    PollResult,
    feed_poll,
    feeds_claim,
)
from .subscriptions import (
    FEED_MAX_BYTES,
    check_can_manage_feeds,
    feed_add,
    feed_remove,
    feed_subscribe,
    feed_update,
)

__all__ = [
    "BACKOFF_MAX_SECONDS",
    "CLAIM_SECONDS",
    "DEAD_AFTER_DAYS",
    "FEED_MAX_BYTES",
    "IMAGE_MAX_BYTES",
    "NEAR_DUPLICATE_DAYS",
    "PollResult",
    "Submission",
    "candidate_accept",
    "candidate_initial",
    "candidate_refetch",
    "candidate_submit",
    "candidates_dismiss",
    "check_can_manage_feeds",
    "feed_add",
    "feed_poll",
    "feed_remove",
    "feed_subscribe",
    "feed_update",
    "feeds_claim",
    "item_find_or_create",
    "stories_for_url",
]
