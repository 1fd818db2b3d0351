"""Anonymous reads answered once per version of what they show.

A story's comments for an anonymous reader are the same bytes until the story's revision
moves (every comment write bumps it, discussion/services/common.py), and a page of the story
list the same until a story changes (every story write bumps the generation of Latest, which
the page cache keeps: core/pagecache.py). So the first anonymous request for a version renders
it through the API as usual, and the next ones get its bytes: from this process's memory, or
from the shared cache that every process reads. Each request still runs through Django and the
API's guard, and still asks for the version (the story's row, or the generation), so an answer
is never older than what it shows, except for what no version covers: a display name or a
channel's name renamed shows within the timeout (as on the member story page,
pages/member_page.py), and a scheduled story falls due in a list within LISTING_SECONDS (as on
the listing pages).

Only anonymous readers: a member's view holds their own held comments, a moderator's every
comment. The ETag is made from the bytes as for any read (api.py ``conditional``), once, and kept
with them.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import get_language
from ninja import Schema

from masthead.core.localcache import LocalCache
from masthead.core.pagecache import LISTING_SECONDS, etag_for, generation_of

from .auth import viewer

KEY_PREFIX = "api:v1:repr3:"  # with the ETag kept beside the bytes
COMMENTS_SECONDS = 600  # display names: pages/member_page.py PAGE_SECONDS
STORIES_SECONDS = LISTING_SECONDS  # a scheduled story falls due in the list within this
_ATTRIBUTE = "_masthead_representation"
_local = LocalCache(max_entries=256)


def _key(request: HttpRequest, version: str, params: Schema) -> str:
    # The host and scheme: answers carry absolute URLs (``next``, a story's address). The
    # validated parameters, not the query string: one made-up parameter more is the same
    # answer, not another entry (the routers' ``next`` links carry only these).
    query = params.model_dump_json()
    raw = "\n".join(
        [
            request.scheme or "",
            request.get_host(),
            request.path,
            query,
            version,
            get_language() or "",
        ]
    )
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _answer(
    request: HttpRequest, version: str, seconds: int, params: Schema
) -> HttpResponse | None:
    """The bytes made for ``version``, or None after noting that this request makes them."""
    if request.method != "GET" or viewer(request).is_authenticated:
        return None
    key = _key(request, version, params)
    found: tuple[str, bytes, str, float] | None = _local.get(key)
    if found is None:
        found = cache.get(key)
        if found is not None:  # kept here for what is left of its time, not a new timeout
            _local.set(key, found, max(0.001, found[3] - time.time()))
    if found is not None:
        content_type, body, etag, _expires = found
        response = HttpResponse(body, content_type=content_type)
        response["ETag"] = etag  # made with the bytes: not hashed again (api.py conditional)
        return response
    setattr(request, _ATTRIBUTE, (key, seconds))
    return None


def story_comments(
    request: HttpRequest, story_id: int, revision: int, *, params: Schema
) -> HttpResponse | None:
    return _answer(request, f"comments:{story_id}:{revision}", COMMENTS_SECONDS, params)


def story_list(request: HttpRequest, *, params: Schema) -> HttpResponse | None:
    return _answer(request, "stories:" + generation_of("/latest"), STORIES_SECONDS, params)


def keep(request: HttpRequest, response: HttpResponseBase) -> None:
    """After the API rendered a read that ``_answer`` had none for: keep its bytes."""
    noted: tuple[str, int] | None = getattr(request, _ATTRIBUTE, None)
    if noted is None or response.status_code != 200 or not isinstance(response, HttpResponse):
        return
    key, seconds = noted
    expires = time.time() + seconds
    value: Any = (response["Content-Type"], response.content, etag_for(response.content), expires)
    cache.set(key, value, seconds)
    _local.set(key, value, seconds)
