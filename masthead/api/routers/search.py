from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from masthead.core.numbers import PAGE_MAX
from masthead.search import selectors
from masthead.search.selectors import MAX_PER_PAGE

from .. import present
from ..problems import Problem
from ..schemas import SearchResults, Text
from .common import READ_ERRORS, next_link

router = Router(tags=["search"])
QUERY_MAX_LENGTH = 500  # the search box takes no more
# Days a search may name: the search counts to the day after `date_to`, which must exist.
FIRST_DAY, LAST_DAY = dt.date(1000, 1, 1), dt.date(9998, 12, 31)


class SearchParams(Schema):
    q: Annotated[Text, StringConstraints(max_length=QUERY_MAX_LENGTH)] = Field(
        description='The query, in the search page\'s language: words, "a phrase", -word, '
        "word*, OR."
    )
    channel: Annotated[str, StringConstraints(max_length=50)] | None = None
    section: Annotated[str, StringConstraints(max_length=101)] | None = Field(
        default=None, description='A section\'s slug, or "channel/section".'
    )
    source: Annotated[str, StringConstraints(max_length=253)] | None = Field(
        default=None, description="A publisher's domain."
    )
    kind: Literal["original", "curated"] | None = None
    date_from: dt.date | None = Field(
        default=None, ge=FIRST_DAY, le=LAST_DAY, description="Published on or after."
    )
    date_to: dt.date | None = Field(
        default=None, ge=FIRST_DAY, le=LAST_DAY, description="Published on or before."
    )
    sort: Literal["relevance", "newest"] = "relevance"
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    limit: int = Field(default=20, ge=1, le=MAX_PER_PAGE)


@router.get("", response={200: SearchResults, **READ_ERRORS}, url_name="search")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Published stories matching `q`: the search page's engine, syntax and filters."""
    results = selectors.search(
        q=params.q,
        channel=params.channel,
        section=params.section,
        source=params.source,
        kind=params.kind,
        date_from=params.date_from,
        date_to=params.date_to,
        sort=params.sort,
        page=params.page,
        per_page=params.limit,
    )
    if results.error is not None:
        raise Problem(400, results.error, errors=[{"field": "q", "message": results.error}])
    following = next_link(request, page=results.page + 1) if results.page < results.pages else None
    return {
        "query": results.query,
        "total": results.total,
        "more": results.more,
        "page": results.page,
        "pages": results.pages,
        "items": [
            {"story": present.search_story(request, hit.story), "snippet_html": str(hit.snippet)}
            for hit in results.hits
        ],
        "next": following,
    }
