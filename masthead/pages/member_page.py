"""A member's story page, cut from a page shared by all members.

Members see the same story page except for their own parts: the header (their handle, a
log-out form), a CSRF token, the comment form's one-time token, and their own comments, which
they may edit or delete. The page is rendered once per story revision with those parts left as
holes, cached, and each member's copy is the cached page with the holes filled in: the comment
threads as every member sees them, or, for a member who wrote some of them, with theirs
re-rendered (discussion/rendering.py). A member's page then costs about what the checks before
it cost (session, member, story), not a render of two hundred comments.

Curators get the full render (drafts, moderation buttons). See
docs/decisions/0003-page-cache.md.

Holes are markup that cannot come from members or from outside: an HTML comment (the
sanitizer strips comments from stories and comments; templates escape "<" everywhere else)
and whole tags with attribute values, whose quotes would be escaped in text.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.translation import get_language
from markupsafe import Markup

from masthead.core.localcache import LocalCache
from masthead.core.numbers import whole_number
from masthead.discovery.structured import story_meta
from masthead.discussion.forms import CommentForm, new_client_token
from masthead.discussion.permissions import CommentPolicy
from masthead.discussion.rendering import NOBODY, comment_section, shared_section
from masthead.discussion.services import comments_closed
from masthead.moderation import services as moderation
from masthead.search.selectors import related_list
from masthead.stories import selectors as story_selectors
from masthead.stories.models import Story

HEADER_HOLE = "<!--masthead:header-->"
THREADS_HOLE = "<!--masthead:threads-->"
CSRF_HOLE = '<input type="hidden" name="csrfmiddlewaretoken" value="masthead-hole-csrf">'
CLIENT_TOKEN_HOLE = "masthead-hole-client-token"  # noqa: S105 - a placeholder
CLIENT_TOKEN_ATTRIBUTE = f'name="client_token" value="{CLIENT_TOKEN_HOLE}"'
_HOLES = re.compile(
    "("
    + "|".join(re.escape(h) for h in (HEADER_HOLE, THREADS_HOLE, CSRF_HOLE, CLIENT_TOKEN_ATTRIBUTE))
    + ")"
)
PAGE_SECONDS = 600  # what no revision covers (the navigation, display names) shows within this
_local = LocalCache(max_entries=64)


def thread_request(request: HttpRequest, story: Story) -> dict[str, Any]:
    """The reader's order (``?sort=``) and how many threads to show (the channel's page size,
    or ``?threads=`` after "Load more" without JavaScript)."""
    per_page = moderation.rules_for(story.channel_id).threads_per_page
    wanted = request.GET.get("threads", "")
    limit = min(whole_number(wanted, per_page), MAX_THREADS_SHOWN)
    return {"sort": request.GET.get("sort", "oldest"), "limit": max(limit, per_page)}


MAX_THREADS_SHOWN = 5000  # ?threads= beyond this is a crawler's idea, not a reader's


def member_story_page(
    request: HttpRequest, story: Story, *, viewer_id: int, order: dict[str, Any]
) -> HttpResponse:
    """The story page for a member who is not its channel's curator. Messages waiting for
    them come with the header."""
    key = f"page:member:v2:{story.public_id}:{story.revision}:{get_language()}:{request.get_host()}"
    pieces: list[str] | None = _local.get(key)
    if pieces is None:
        pieces = cache.get(key)
        if pieces is None:
            pieces = _split(_render_with_holes(request, story))
            cache.set(key, pieces, PAGE_SECONDS)
        _local.set(key, pieces, PAGE_SECONDS)
    policy = CommentPolicy(viewer_id=viewer_id, is_member=True, is_moderator=False)
    csrf_hole_filling = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    fillings = {
        HEADER_HOLE: get_template("_header.html", using="jinja2").render({}, request),
        THREADS_HOLE: comment_section(
            story=story, policy=policy, csrf_input=csrf_hole_filling, **order
        ).html,
        CSRF_HOLE: csrf_hole_filling,
        CLIENT_TOKEN_ATTRIBUTE: f'name="client_token" value="{new_client_token()}"',
    }
    return HttpResponse("".join(fillings.get(piece, piece) for piece in pieces))


def _split(page: str) -> list[str]:
    """The page cut at its holes: text, hole, text... (joined, they are the page again)."""
    return [piece for piece in _HOLES.split(page) if piece]


def _render_with_holes(request: HttpRequest, story: Story) -> str:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "request": request,
        "story": story,
        "story_meta": story_meta(story, request.build_absolute_uri("/").rstrip("/")),
        "threads_html": Markup(THREADS_HOLE),  # noqa: S704 - a constant
        # The "no comments yet" line is decided here, from what every member sees.
        "no_comments": not shared_section(story, member=True).html,
        "policy": CommentPolicy(viewer_id=NOBODY, is_member=True, is_moderator=False),
        "can_curate": False,
        "comments_closed": comments_closed(story),
        "more_stories": story_selectors.story_list_more(story=story),
        "related_stories": related_list(story=story),
        "form": CommentForm(initial={"client_token": CLIENT_TOKEN_HOLE}),
        "csrf_input": Markup(CSRF_HOLE),  # noqa: S704 - a constant
        "header_hole": Markup(HEADER_HOLE),  # noqa: S704 - a constant
    }
    return str(env.get_template("pages/story.html").render(context))
