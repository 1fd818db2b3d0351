from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from masthead.discussion.services import comments_closed
from masthead.stories import selectors
from masthead.stories.models import Story

from .. import cursors, present, representations
from ..problems import Problem
from ..schemas import LIST_LIMIT_MAX, PublicId, Slug, StoryList, StoryOut
from .common import READ_ERRORS, next_link

router = Router(tags=["stories"])
GONE = 410  # a withdrawn story, as its page answers


class StoryFilters(Schema):
    channel: Slug | None = Field(default=None, description="A channel's slug.")
    section: Slug | None = Field(
        default=None, description="A section's slug (in `channel` when one is given)."
    )
    kind: Literal["original", "curated"] | None = None
    source: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]{1,253}$")] | None = Field(
        default=None, description="A curated story's publisher, by domain (example.com)."
    )
    since: dt.datetime | None = Field(default=None, description="Published at or after.")
    until: dt.datetime | None = Field(default=None, description="Published before.")
    limit: int = Field(default=20, ge=1, le=LIST_LIMIT_MAX)
    cursor: str | None = Field(default=None, description="From the `next` link; opaque.")


def _aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """``value`` in UTC; a 422 naming ``field`` for a time without its offset (whose midnight?)
    or one that has no UTC equivalent (year 1 at +16:00; PostgreSQL takes offsets to 15:59)."""
    if value is None:
        return None
    message = _("Give %(field)s with its offset, such as 2026-12-04T18:00:00Z.") % {"field": field}
    if value.tzinfo is None:
        raise Problem(422, message, errors=[{"field": field, "message": message}])
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        message = _("%(field)s is out of range.") % {"field": field}
        raise Problem(422, message, errors=[{"field": field, "message": message}]) from None


@router.get("", response={200: StoryList, **READ_ERRORS}, url_name="story_list")
def story_list(request: HttpRequest, filters: Query[StoryFilters]) -> dict[str, Any] | HttpResponse:
    """Public stories, newest first, filtered; follow `next` for older ones."""
    if (made := representations.story_list(request, params=filters)) is not None:
        return made
    after = None
    if filters.cursor is not None:
        published, pk = cursors.decode(filters.cursor, types=(str, int))
        try:
            moment = dt.datetime.fromisoformat(published)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            message = _("The cursor is not one this API gave out.")
            raise Problem(400, message, errors=[{"field": "cursor", "message": message}])
        in_utc = _aware(moment, "cursor")  # in UTC, as since and until
        assert in_utc is not None
        after = (in_utc, pk)
    stories = selectors.story_list_filtered(
        channel=filters.channel,
        section=filters.section,
        kind=filters.kind,
        source=filters.source.removeprefix("www.") if filters.source else None,
        since=_aware(filters.since, "since"),
        until=_aware(filters.until, "until"),
        after=after,
        limit=filters.limit + 1,
    )
    page, more = stories[: filters.limit], len(stories) > filters.limit
    following = None
    if more and page:
        last = page[-1]
        assert last.published_at is not None  # a public story has been published
        following = next_link(
            request, filters, cursor=cursors.encode(last.published_at.isoformat(), last.pk)
        )
    return {"items": [present.story_summary(request, s) for s in page], "next": following}


def story_or_404(public_id: str) -> Story:
    """A story readers can see; 404 for none (or a draft), 410 for a withdrawn one."""
    story = selectors.story_get_by_public_id(public_id)
    if story is None:
        raise Problem(404, _("No such story."))
    if story.status == Story.Status.WITHDRAWN:
        reason = story.withdrawn_reason or _("no reason given")
        raise Problem(GONE, _("This story was withdrawn: %(reason)s") % {"reason": reason})
    if not story.is_live():
        raise Problem(404, _("No such story."))
    return story


@router.get(
    "/{public_id}",
    response={200: StoryOut, **READ_ERRORS, GONE: READ_ERRORS[404]},
    url_name="story_get",
)
def story_get(request: HttpRequest, public_id: PublicId) -> dict[str, Any]:
    """One story by its public id (the 22 characters that end its address)."""
    story = story_or_404(public_id)
    return present.story_full(request, story, comments_open=not comments_closed(story))
