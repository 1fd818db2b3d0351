"""A story's comment section, rendered once per story revision and shared between viewers.

Every comment looks the same to every reader, and the same to every member except its
author (who may edit or delete it instead of reporting it). So the section is rendered for
two roles, readers and members, and cached under the story's revision, which every comment
write bumps. A member who has comments on the story gets those re-rendered as their own;
a member who has none (most of them) gets the shared HTML as it is. Moderators, who see
hidden text and moderation buttons, get a fresh render. See docs/decisions/0003-page-cache.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.template import engines
from django.urls import reverse
from django.utils.translation import get_language
from markupsafe import Markup

from masthead.core.localcache import LocalCache
from masthead.moderation import services as moderation
from masthead.stories.models import Story

from . import selectors
from .models import Comment
from .permissions import CommentPolicy

FRAGMENT_SECONDS = 600  # a display name changed elsewhere reaches old sections within this
# Sections keyed by a revision never change, so each process keeps the busiest in memory.
_local = LocalCache(max_entries=64)
_batches = LocalCache(max_entries=256)  # assembled batches of shared sections
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
    # thread -> (has a featured comment, reactions to its first comment): for the orders.
    thread_keys: dict[int, tuple[bool, int]] = field(default_factory=dict)


SORTS = ("oldest", "newest", "reacted")
# Where a member's CSRF token goes in a section shared by all members (the reaction forms);
# comment_section puts the member's own token in its place.
CSRF_PLACEHOLDER = Markup(
    '<input type="hidden" name="csrfmiddlewaretoken" value="masthead-section-csrf">'
)


@dataclass
class Threads:
    """What a story page prints of its comments: some threads, in the reader's order."""

    html: Markup
    shown: int  # threads printed, up to and including this batch
    total: int
    sort: str = "oldest"


def _macro(name: str) -> Any:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    return getattr(env.get_template("discussion/_comments.html").module, name)


def _comment_item() -> Any:
    return _macro("comment_item")


def _item(comment: Comment, *, story: Story, policy: CommentPolicy, csrf_input: Any) -> Item:
    return (
        comment.thread,
        comment.position,
        str(_comment_item()(comment, story, policy, csrf_input)),
    )


def thread_order(keys: dict[int, tuple[bool, int]], threads: list[int], sort: str) -> list[int]:
    """Featured threads first, then the reader's order: oldest, newest or most reacted (ties
    oldest first). Numbers are the threads' own and never change."""
    if sort == "newest":
        return sorted(threads, key=lambda t: (not keys.get(t, (False, 0))[0], -t))
    if sort == "reacted":
        return sorted(
            threads, key=lambda t: (not keys.get(t, (False, 0))[0], -keys.get(t, (False, 0))[1], t)
        )
    return sorted(threads, key=lambda t: (not keys.get(t, (False, 0))[0], t))


def _assemble(
    items: list[Item],
    *,
    keys: dict[int, tuple[bool, int]] | None = None,
    sort: str = "oldest",
    offset: int = 0,
    limit: int | None = None,
) -> Threads:
    """Threads in order, each an ``<li>`` holding the list of its comments; from the
    ``offset``-th, ``limit`` of them."""
    by_thread: dict[int, list[tuple[int, str]]] = {}
    for thread, position, html in items:
        by_thread.setdefault(thread, []).append((position, html))
    order = thread_order(keys or {}, list(by_thread), sort)
    shown = order[offset:] if limit is None else order[offset : offset + limit]
    threads = [
        (thread, [Markup(html) for _position, html in sorted(by_thread[thread])])  # noqa: S704 - rendered by our autoescaping templates
        for thread in shown
    ]
    return Threads(
        html=_macro("threads_list")(threads),
        shown=offset + len(shown),
        total=len(order),
        sort=sort,
    )


def _keys(comments: list[Comment]) -> dict[int, tuple[bool, int]]:
    keys: dict[int, tuple[bool, int]] = {}
    for c in comments:
        featured, reactions = keys.get(c.thread, (False, 0))
        keys[c.thread] = (
            featured or (c.featured and c.status == Comment.Status.VISIBLE),
            c.reaction_count if c.position == 1 else reactions,
        )
    return keys


def _render(
    comments: list[Comment], *, story: Story, policy: CommentPolicy, csrf_input: Any = ""
) -> list[Item]:
    story.reaction_word = moderation.rules_for(story.channel_id).reaction_word  # type: ignore[attr-defined]
    return [_item(c, story=story, policy=policy, csrf_input=csrf_input) for c in comments]


def _section_key(story: Story, *, member: bool) -> str:
    role = "member" if member else "reader"
    return f"comments:v4:{story.public_id}:{story.revision}:{role}:{get_language()}"


def _shared_batch(
    story: Story, section: Section, *, member: bool, sort: str, offset: int, limit: int | None
) -> Threads:
    """A batch of the shared section's threads, assembled once per process: the section never
    changes under its key, and assembling 500 comments' threads is most of a member's page."""
    key = f"{_section_key(story, member=member)}:{sort}:{offset}:{limit}"
    batch: Threads | None = _batches.get(key)
    if batch is None:
        batch = _assemble(
            section.items, keys=section.thread_keys, sort=sort, offset=offset, limit=limit
        )
        _batches.set(key, batch, FRAGMENT_SECONDS)
    return replace(batch)  # callers fill in the member's own parts


def shared_section(story: Story, *, member: bool) -> Section:
    """The section as every reader, or every member who wrote none of it, sees it."""
    key = _section_key(story, member=member)
    section: Section | None = _local.get(key)
    if section is not None:
        return section
    section = cache.get(key)
    if section is None:
        policy = CommentPolicy(
            viewer_id=NOBODY if member else None, is_member=member, is_moderator=False
        )
        everyone = selectors.comment_list_for_story(story=story)
        shown = [c for c in everyone if c.status not in Comment.PRIVATE_STATUSES]
        items = _render(shown, story=story, policy=policy, csrf_input=CSRF_PLACEHOLDER)
        keys = _keys(shown)
        section = Section(
            html=_assemble(items, keys=keys).html,
            items=items,
            authors=frozenset(c.author_id for c in everyone if c.author_id),
            locked_threads=frozenset(
                c.thread for c in everyone if c.position == 1 and c.thread_locked
            ),
            thread_keys=keys,
        )
        cache.set(key, section, FRAGMENT_SECONDS)
    _local.set(key, section, FRAGMENT_SECONDS)
    return section


def comment_section(
    *,
    story: Story,
    policy: CommentPolicy,
    csrf_input: Any = "",
    sort: str = "oldest",
    offset: int = 0,
    limit: int | None = None,
) -> Threads:
    """The comment threads of ``story`` as the viewer behind ``policy`` sees them: featured
    threads first, then in ``sort`` order; ``limit`` threads from the ``offset``-th, and a
    "Load more" item after them when more remain."""
    sort = sort if sort in SORTS else "oldest"
    if policy.is_moderator:
        everyone = selectors.comment_list_for_story(story=story)
        items = _render(everyone, story=story, policy=policy, csrf_input=csrf_input)
        return _more(
            story,
            _pressed(
                _assemble(items, keys=_keys(everyone), sort=sort, offset=offset, limit=limit),
                story,
                policy,
            ),
            limit,
        )
    shared = shared_section(story, member=policy.is_member)
    if not policy.is_member:
        count = len(shared.thread_keys)
        if sort == "oldest" and offset == 0 and (limit is None or limit >= count):
            return Threads(shared.html, count, count)
        return _more(
            story,
            _shared_batch(story, shared, member=False, sort=sort, offset=offset, limit=limit),
            limit,
        )
    if policy.viewer_id not in shared.authors:
        threads = _shared_batch(story, shared, member=True, sort=sort, offset=offset, limit=limit)
    else:
        threads = _own_batch(story, shared, policy, csrf_input, sort, offset, limit)
    threads.html = Markup(  # noqa: S704 - our own markup and the member's CSRF token
        threads.html.replace(CSRF_PLACEHOLDER, str(csrf_input))
    )
    return _more(story, _pressed(threads, story, policy), limit)


def _own_batch(
    story: Story,
    shared: Section,
    policy: CommentPolicy,
    csrf_input: Any,
    sort: str,
    offset: int,
    limit: int | None,
) -> Threads:
    """The shared section with the member's own comments rendered for them (edit, delete,
    and their comments awaiting review)."""
    own = {
        (c.thread, c.position): _item(c, story=story, policy=policy, csrf_input=csrf_input)
        for c in selectors.comment_list_own(
            story=story, author_id=policy.viewer_id, locked_threads=shared.locked_threads
        )
    }
    merged = {
        (thread, position): (thread, position, html) for thread, position, html in shared.items
    }
    merged.update((key, (*key, html[2])) for key, html in own.items())
    return _assemble(
        list(merged.values()), keys=shared.thread_keys, sort=sort, offset=offset, limit=limit
    )


def _more(story: Story, threads: Threads, limit: int | None) -> Threads:
    """A "Load more" item closing the list when threads remain: a link to the page with more
    of them, which htmx turns into the next batch swapped in its place."""
    if limit is None or threads.shown >= threads.total:
        return threads
    link = _macro("load_more")(
        story.get_absolute_url(),
        reverse("discussion:threads", kwargs={"public_id": story.public_key}),
        threads.sort,
        threads.shown,
        limit,
        threads.total - threads.shown,
    )
    threads.html = threads.html + link
    return threads


def _pressed(threads: Threads, story: Story, policy: CommentPolicy) -> Threads:
    """The member's own reactions shown pressed (one indexed query)."""
    if policy.viewer_id is None:
        return threads
    key = selectors.reacted_key(story_id=story.pk, member_id=policy.viewer_id)
    reacted: list[int] | None = cache.get(key)
    if reacted is None:  # the cache answers faster than the database, and most pages ask
        reacted = selectors.reacted_comment_ids(story=story, member_id=policy.viewer_id)
        cache.set(key, reacted, FRAGMENT_SECONDS)
    html = str(threads.html)
    for comment_id in reacted:
        html = html.replace(
            f'value="1" aria-pressed="false" data-reaction="{comment_id}"',
            f'value="0" aria-pressed="true" data-reaction="{comment_id}"',
        )
    threads.html = Markup(html)  # noqa: S704 - attributes of our own markup
    return threads
