"""The search page for readers: ``/search?q=...`` with filters, an order and pages.

The query string is read and checked by ``filters.parse``; a request that names something that
does not exist (a channel, a date) answers 400 with the reason on the page and the filter shown
as a chip that removes it, never with results that silently ignore it. A query string with one
of the search's parameters empty (what the narrow form sends for the filters it leaves alone)
is redirected (302) to the same query without it: one search, one address to share and to
cache. Search pages are never indexed (``noindex`` in the page and in X-Robots-Tag) and are
cached for anonymous readers like the site's other lists: the page cache keys them by their
query and files them under Latest's version, which every publish, edit and withdrawal bumps
(apps.py, core/pagecache.py); each process keeps its own, a bounded number, out of the shared
cache.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from masthead.core.pagecache import LISTING_SECONDS, cache_for_anonymous

from . import filters, suggestions
from .selectors import search as run_search
from .snippets import highlight

BAD_REQUEST = 400
# What no story service's invalidation covers (a scheduled story falling due, a renamed
# channel) shows in cached searches within this time, as on the front page.
SEARCH_CACHE_SECONDS = LISTING_SECONDS
PER_PAGE = 20


@cache_for_anonymous(SEARCH_CACHE_SECONDS)
def search(request: HttpRequest) -> HttpResponse:
    if cleaned := filters.without_empty(request.GET):
        return HttpResponseRedirect(cleaned)
    wanted = filters.parse(request.GET)
    results = None
    errors = list(wanted.errors.values())
    if not errors and wanted.q:
        results = run_search(
            q=wanted.q,
            channel=wanted.channel.slug if wanted.channel else None,
            section=wanted.section,
            source=wanted.source.domain if wanted.source else None,
            kind=wanted.kind,
            date_from=wanted.date_from,
            date_to=wanted.date_to,
            sort=wanted.sort,
            page=wanted.page,
            per_page=PER_PAGE,
        )
        if results.error:
            errors.append(results.error)
    response = render(
        request,
        "search/search.html",
        {
            "wanted": wanted,
            "search_query": wanted.raw.get("q", ""),
            "results": results,
            "errors": errors,
            "chips": wanted.chips(),
            "channels": filters.channel_choices(),
            "suggestions": (
                suggestions.for_no_results(wanted) if results and not results.total else None
            ),
            "highlight": highlight,
        },
        status=BAD_REQUEST if errors else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
