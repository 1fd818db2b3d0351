"""What the API sends and accepts. Field descriptions are the OpenAPI document's."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

from masthead.core.numbers import BIGGEST
from masthead.discussion.models import COMMENT_MAX_LENGTH
from masthead.discussion.services import CLIENT_TOKEN_MAX_LENGTH

LIST_LIMIT_MAX = 100  # items on one page of a list; a client wanting more follows `next`
# A story's comments on one page: a discussion of 200 reads in one request, as the story page
# shows it (the benchmark's story, docs/performance.md).
COMMENT_LIMIT_MAX = 200


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store or compare a NUL; the site refuses one in every form
    # (core/middleware.py), a JSON body here.
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
# Path parameters, refused (422) before any query when they cannot name anything.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=50)]
PublicId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{22}$")]
Handle = Annotated[str, StringConstraints(pattern=r"^@?[A-Za-z0-9_]{1,30}$")]
Id = Annotated[int, Field(ge=1, le=BIGGEST)]


class ProblemOut(Schema):
    """RFC 9457 problem details; ``errors`` names the fields that did not validate."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class FieldError(Schema):
    field: str
    message: str


ProblemOut.model_rebuild()


class SectionOut(Schema):
    slug: str
    name: str
    url: str


class ChannelOut(Schema):
    slug: str
    name: str
    tagline: str
    description: str
    url: str
    sections: list[SectionOut]


class ChannelList(Schema):
    items: list[ChannelOut]


class ImageOut(Schema):
    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str


class SourceOut(Schema):
    name: str
    domain: str


class ChannelRef(Schema):
    slug: str
    name: str
    url: str


class StorySummary(Schema):
    id: str = Field(description="The story's public id.")
    url: str
    api_url: str
    headline: str
    byline: str
    kind: Literal["original", "curated"]
    channel: ChannelRef
    section: SectionOut
    published_at: dt.datetime
    excerpt: str
    image: ImageOut | None
    source: SourceOut | None
    original_url: str | None
    comment_count: int


class StoryList(Schema):
    items: list[StorySummary]
    next: str | None = Field(description="The next page's address; null on the last page.")


class StoryOut(StorySummary):
    updated_at: dt.datetime
    original_published_at: dt.datetime | None
    time_zone: str
    body_html: str = Field(
        description="The story's body, cleaned HTML with absolute links; for a curated story, "
        "empty: the publisher's text stays on the publisher's site."
    )
    comments_url: str
    comments_api_url: str
    comments_open: bool


class AuthorOut(Schema):
    handle: str
    display_name: str
    url: str


CommentStatus = Literal["visible", "pending", "hidden", "removed", "deleted", "shadow"]


class CommentOut(Schema):
    id: int
    number: str = Field(description='"T-P": thread T of the story, position P in it.')
    story: str = Field(description="The story's public id.")
    url: str
    author: AuthorOut | None = Field(description="Null once the member's account is erased.")
    parent: str | None = Field(description="The number of the comment this one answers.")
    parent_id: int | None
    status: CommentStatus = Field(
        description="As the reader may see it: the author sees their own comment held for "
        "review as pending; moderators see every status as it is."
    )
    body_html: str | None = Field(description="Null where the reader may not see the text.")
    removed_reason: str | None
    reaction_count: int
    featured: bool
    created_at: dt.datetime
    edited_at: dt.datetime | None


class CommentList(Schema):
    items: list[CommentOut]
    next: str | None


class ProfileOut(Schema):
    handle: str
    display_name: str
    bio: str
    url: str
    joined_at: dt.datetime
    comments: list[CommentOut] = Field(description="Their newest visible comments.")


class SearchHit(Schema):
    story: StoryRef
    snippet_html: str = Field(description="Escaped text with the matched words in <mark>.")


class StoryRef(Schema):
    id: str
    url: str
    api_url: str
    headline: str
    kind: Literal["original", "curated"]
    channel_name: str
    channel_url: str
    section_name: str
    section_url: str
    source: SourceOut | None
    published_at: dt.datetime


SearchHit.model_rebuild()


class SearchResults(Schema):
    query: str = Field(description="The query as the search understood it.")
    total: int
    more: bool = Field(description="There are more matches than `total` counts.")
    page: int
    pages: int
    items: list[SearchHit]
    next: str | None


# --- writes ----------------------------------------------------------------------------------

Body = Annotated[Text, StringConstraints(max_length=COMMENT_MAX_LENGTH * 2)]


class CommentIn(Schema):
    body: Body = Field(description="Markdown, as on the site.")
    parent: Annotated[str, StringConstraints(max_length=40)] | int | None = Field(
        default=None,
        description='The comment answered: its number ("3-1") or its id. Null for a new thread.',
    )
    client_token: Annotated[Text, StringConstraints(max_length=CLIENT_TOKEN_MAX_LENGTH)] = Field(
        default="",
        description="Any string of yours: a second post with the same one returns the first "
        "comment (200) instead of making another.",
    )


class CommentEditIn(Schema):
    body: Body


class ReactionOut(Schema):
    reacted: bool
    reaction_count: int


ReportReason = Literal["spam", "abuse", "off_topic", "other"]


class ReportIn(Schema):
    reason: ReportReason
    note: Annotated[Text, StringConstraints(max_length=500)] = ""


class ReportOut(Schema):
    reported: bool


class FollowOut(Schema):
    channel: str
    following: bool
