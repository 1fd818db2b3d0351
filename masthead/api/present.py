"""Model instances as the API shows them (the schemas' dicts). Absolute URLs throughout: a
client reads them away from the site."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from masthead.accounts.models import Profile
from masthead.channels.models import Channel, Section
from masthead.core import public_id
from masthead.core.sanitize import story_html_for_feed
from masthead.discussion.models import Comment
from masthead.discussion.permissions import CommentPolicy
from masthead.search.selectors import Found
from masthead.stories.models import Story


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def section(request: HttpRequest, found: Section, channel_slug: str) -> dict[str, Any]:
    return {
        "slug": found.slug,
        "name": found.name,
        "url": absolute(request, Section.path_of(channel=channel_slug, section=found.slug)),
    }


def channel(request: HttpRequest, found: Channel) -> dict[str, Any]:
    return {
        "slug": found.slug,
        "name": found.name,
        "tagline": found.tagline,
        "description": found.description,
        "url": absolute(request, found.get_absolute_url()),
        "sections": [section(request, s, found.slug) for s in found.sections.all()],
    }


def story_api_url(request: HttpRequest, key: str) -> str:
    return absolute(request, reverse("api:story_get", kwargs={"public_id": key}))


def story_summary(request: HttpRequest, story: Story) -> dict[str, Any]:
    image = None
    if story.image:
        image = {
            "url": absolute(request, story.image.url),
            "width": story.image_width,
            "height": story.image_height,
            "alt": story.image_alt,
            "caption": story.image_caption,
            "credit": story.image_credit,
        }
    source = (
        {"name": story.source.name, "domain": story.source.domain}
        if story.source_id is not None and story.source is not None
        else None
    )
    return {
        "id": story.public_key,
        "url": absolute(request, story.get_absolute_url()),
        "api_url": story_api_url(request, story.public_key),
        "headline": story.headline,
        "byline": story.byline,
        "kind": story.kind,
        "channel": {
            "slug": story.channel.slug,
            "name": story.channel.name,
            "url": absolute(request, story.channel.get_absolute_url()),
        },
        "section": section(request, story.section, story.channel.slug),
        "published_at": story.published_at,
        "excerpt": story.excerpt,
        "image": image,
        "source": source,
        "original_url": story.original_url or None,
        "comment_count": story.comment_count,
    }


def story_full(request: HttpRequest, story: Story, *, comments_open: bool) -> dict[str, Any]:
    url = absolute(request, story.get_absolute_url())
    body = "" if story.is_curated else story_html_for_feed(story.body, base_url=url)
    return {
        **story_summary(request, story),
        "updated_at": story.updated_at,
        "original_published_at": story.original_published_at,
        "time_zone": story.time_zone,
        "body_html": body,
        "comments_url": url + "#comments",
        "comments_api_url": absolute(
            request, reverse("api:comment_list", kwargs={"public_id": story.public_key})
        ),
        "comments_open": comments_open,
    }


def number(comment: Comment) -> str:
    return f"{comment.thread}-{comment.position}"


def status_for(comment: Comment, policy: CommentPolicy) -> str:
    """The status the viewer may know (CommentPolicy.status_shown, as on the site), and
    "deleted" for a tombstone."""
    if comment.is_deleted:
        return "deleted"
    return policy.status_shown(comment)


def comment(
    request: HttpRequest,
    found: Comment,
    *,
    story: Story,
    policy: CommentPolicy,
    parent: Comment | None = None,
) -> dict[str, Any]:
    profile: Profile | None = getattr(found.author, "profile", None) if found.author_id else None
    author = (
        {
            "handle": profile.handle,
            "display_name": profile.display_name,
            "url": absolute(request, profile.get_absolute_url()),
        }
        if profile is not None
        else None
    )
    shows = policy.shows_body(found)
    return {
        "id": found.pk,
        "number": number(found),
        "story": story.public_key,
        "url": absolute(request, f"{story.get_absolute_url()}#{found.anchor}"),
        "author": author,
        "parent": number(parent) if parent is not None else None,
        "parent_id": found.parent_id,
        "status": status_for(found, policy),
        "body_html": found.body_html if shows else None,
        "removed_reason": (
            found.removed_reason or None if found.status == Comment.Status.REMOVED else None
        ),
        "reaction_count": found.reaction_count,
        "featured": found.featured,
        "created_at": found.created_at,
        "edited_at": found.edited_at,
    }


def search_story(request: HttpRequest, found: Found) -> dict[str, Any]:
    encoded = public_id.encode(found.public_id)
    return {
        "id": encoded,
        "url": absolute(request, found.url),
        "api_url": story_api_url(request, encoded),
        "headline": found.headline,
        "kind": found.kind,
        "channel_name": found.channel_name,
        "channel_url": absolute(request, found.channel_url),
        "section_name": found.section_name,
        "section_url": absolute(request, found.section_url),
        "source": (
            {"name": found.source_name, "domain": found.source_domain}
            if found.source_name
            else None
        ),
        "published_at": found.published_at,
    }
