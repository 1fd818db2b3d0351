"""A member's story page, cut from a page shared by all members.

Members see the same story page except for their own parts: the header (their handle, a
log-out form), a CSRF token and the comment form's one-time token. The page is rendered once
per story revision with those parts left as holes, cached, and each member's copy is the cached
page with the holes filled in. That makes a member's page cost about what the checks before it
cost (session, member, story, curator?), not a render of two hundred comments.

Members who need more than the holes get the full render: curators (drafts, moderation
buttons) and members with comments on the story (their edit and delete links). See docs/decisions/0003-page-cache.md.

Holes are markup that cannot come from members or from outside: an HTML comment (the
sanitizer strips comments from stories and comments; templates escape "<" everywhere else)
and whole tags with attribute values, whose quotes would be escaped in text.
"""

from __future__ import annotations

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
from masthead.discussion.forms import CommentForm, new_client_token
from masthead.discussion.permissions import CommentPolicy
from masthead.discussion.rendering import NOBODY, shared_section
from masthead.stories import selectors as story_selectors
from masthead.stories.models import Story

HEADER_HOLE = "<!--masthead:header-->"
CSRF_HOLE = '<input type="hidden" name="csrfmiddlewaretoken" value="masthead-hole-csrf">'
CLIENT_TOKEN_HOLE = "masthead-hole-client-token"  # noqa: S105 - a placeholder
CLIENT_TOKEN_ATTRIBUTE = f'name="client_token" value="{CLIENT_TOKEN_HOLE}"'
PAGE_SECONDS = 600  # what no revision covers (the navigation, display names) shows within this
_local = LocalCache(max_entries=64)


def member_story_page(request: HttpRequest, story: Story, *, viewer_id: int) -> HttpResponse | None:
    """The page for a member who is not the story's curator, or None if they need a full
    render (they wrote comments here). Messages waiting for them come with the header."""
    section = shared_section(story, member=True)
    if viewer_id in section.authors:
        return None
    host = request.get_host()
    key = f"page:member:v1:{story.public_id}:{story.revision}:{get_language()}:{host}"
    page: str | None = _local.get(key)
    if page is None:
        page = cache.get(key)
        if page is None:
            page = _render_with_holes(request, story, section.html)
            cache.set(key, page, PAGE_SECONDS)
        _local.set(key, page, PAGE_SECONDS)
    header = get_template("_header.html", using="jinja2").render({}, request)
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    filled = (
        page.replace(HEADER_HOLE, header, 1)
        .replace(CSRF_HOLE, csrf)
        .replace(CLIENT_TOKEN_ATTRIBUTE, f'name="client_token" value="{new_client_token()}"')
    )
    return HttpResponse(filled)


def _render_with_holes(request: HttpRequest, story: Story, threads_html: Markup) -> str:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "request": request,
        "story": story,
        "threads_html": threads_html,
        "policy": CommentPolicy(viewer_id=NOBODY, is_member=True, is_moderator=False),
        "can_curate": False,
        "more_stories": story_selectors.story_list_more(story=story),
        "form": CommentForm(initial={"client_token": CLIENT_TOKEN_HOLE}),
        "csrf_input": Markup(CSRF_HOLE),  # noqa: S704 - a constant
        "header_hole": Markup(HEADER_HOLE),  # noqa: S704 - a constant
    }
    return str(env.get_template("pages/story.html").render(context))
