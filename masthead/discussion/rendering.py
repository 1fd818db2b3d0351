"""A story's comment section, rendered once per story revision and shared between viewers.

Every comment looks the same to every reader, and the same to every member except its
author (who may edit or delete it instead of reporting it). So the section is rendered for
two roles, readers and members, and cached under the story's revision, which every comment
write bumps. A member who has comments on the story gets those re-rendered as their own;
a member who has none (most of them) gets the shared HTML as it is. Moderators, who see
hidden text and moderation buttons, get a fresh render. See docs/decisions/0003-page-cache.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.template import engines
from django.utils.translation import get_language
from markupsafe import Markup

from masthead.core.localcache import LocalCache
from masthead.stories.models import Story

from . import selectors
from .models import Comment
from .permissions import CommentPolicy

FRAGMENT_SECONDS = 600  # a display name changed elsewhere reaches old sections within this
# Sections keyed by a revision never change, so each process keeps the busiest in memory.
_local = LocalCache(max_entries=64)
NOBODY = 0  # a viewer id no comment has: the shared member view is nobody's own

# (thread, position, html) of one rendered comment
Item = tuple[int, int, str]


@dataclass
class Section:
    """The inside of the comment list (``<ol id="threads">``), ready to print."""

    html: Markup
    # Who wrote a comment here, pending ones included: only they need a personal render.
    authors: frozenset[int] = field(default_factory=frozenset)
    items: list[Item] = field(default_factory=list)
    locked_threads: frozenset[int] = field(default_factory=frozenset)


def _comment_item() -> Any:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    return env.get_template("discussion/_comments.html").module.comment_item


def _item(comment: Comment, *, story: Story, policy: CommentPolicy, csrf_input: Any) -> Item:
    return (
        comment.thread,
        comment.position,
        str(_comment_item()(comment, story, policy, csrf_input)),
    )


def _assemble(items: list[Item]) -> Markup:
    """Threads in order, each an ``<li>`` holding the list of its comments."""
    parts: list[str] = []
    current = None
    for thread, _position, html in sorted(items, key=lambda item: item[:2]):
        if thread != current:
            if current is not None:
                parts.append("</ol></li>\n")
            parts.append(
                f'<li class="thread" id="thread-{thread}">'
                f'<ol class="thread-comments" id="thread-{thread}-comments">'
            )
            current = thread
        parts.append(f"<li>{html}</li>")
    if current is not None:
        parts.append("</ol></li>\n")
    return Markup("".join(parts))  # noqa: S704 - rendered by our autoescaping templates


def _render(
    comments: list[Comment], *, story: Story, policy: CommentPolicy, csrf_input: Any = ""
) -> list[Item]:
    return [_item(c, story=story, policy=policy, csrf_input=csrf_input) for c in comments]


def shared_section(story: Story, *, member: bool) -> Section:
    """The section as every reader, or every member who wrote none of it, sees it."""
    role = "member" if member else "reader"
    key = f"comments:v3:{story.public_id}:{story.revision}:{role}:{get_language()}"
    section: Section | None = _local.get(key)
    if section is not None:
        return section
    section = cache.get(key)
    if section is None:
        policy = CommentPolicy(
            viewer_id=NOBODY if member else None, is_member=member, is_moderator=False
        )
        everyone = selectors.comment_list_for_story(story=story)
        private = {Comment.Status.PENDING, Comment.Status.SHADOW}
        shown = [c for c in everyone if c.status not in private]
        items = _render(shown, story=story, policy=policy)
        section = Section(
            html=_assemble(items),
            items=items,
            authors=frozenset(c.author_id for c in everyone if c.author_id),
            locked_threads=frozenset(
                c.thread for c in everyone if c.position == 1 and c.thread_locked
            ),
        )
        cache.set(key, section, FRAGMENT_SECONDS)
    _local.set(key, section, FRAGMENT_SECONDS)
    return section


def comment_section(*, story: Story, policy: CommentPolicy, csrf_input: Any = "") -> Markup:
    """The comment threads of ``story`` as the viewer behind ``policy`` sees them."""
    if policy.is_moderator:
        everyone = selectors.comment_list_for_story(story=story)
        return _assemble(_render(everyone, story=story, policy=policy, csrf_input=csrf_input))
    shared = shared_section(story, member=policy.is_member)
    if not policy.is_member or policy.viewer_id not in shared.authors:
        return shared.html
    own = {
        (c.thread, c.position): _item(c, story=story, policy=policy, csrf_input=csrf_input)
        for c in selectors.comment_list_own(
            story=story, author_id=policy.viewer_id, locked_threads=shared.locked_threads
        )
    }
    merged = {
        (thread, position): (thread, position, html) for thread, position, html in shared.items
    }
    merged.update(own)
    return _assemble(list(merged.values()))
