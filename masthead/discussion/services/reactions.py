"""One reaction per member per comment, counted on the comment."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.moderation import services as moderation

from ..models import Comment, Reaction
from ..selectors import reacted_key
from .common import check_story_open, comment_locked, counted, engagement_changed, story_changed


def reaction_set(*, actor: User, comment: Comment, reacted: bool) -> tuple[bool, int]:
    """The member reacts to a comment (``reacted``), or takes their reaction back. Returns
    (reacted, count). Asking for the state the member is in already changes nothing: the
    button says which it wants, so a double click reacts once."""
    return _react(actor, comment, reacted)


def reaction_toggle(*, actor: User, comment: Comment) -> tuple[bool, int]:
    """React, or take the reaction back, whichever the member has not done. For a button
    rendered before buttons said which state they ask for (a page cached across an upgrade)."""
    return _react(actor, comment, None)


@transaction.atomic
def _react(actor: User, comment: Comment, wanted: bool | None) -> tuple[bool, int]:
    """One reaction per member per comment (a unique constraint backs it). The comment is
    locked first, so the checks see it as it is now (hidden since the page was read takes no
    more) and its count moves with each reaction made or taken back, one after the other."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to react."))
    comment = comment_locked(comment)
    check_story_open(comment)
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot react to your own comment."), code="own")
    if not counted(comment):
        raise ValidationError(_("This comment takes no reactions."), code="status")
    moderation.check_can_write(actor, comment.story.channel_id)
    mine = Reaction.objects.filter(comment=comment, member=actor)
    has = mine.exists()
    want = not has if wanted is None else wanted
    if want == has:
        return has, comment.reaction_count
    if want:
        Reaction.objects.create(comment=comment, member=actor, story_id=comment.story_id)
    else:
        mine.delete()
    count = comment.reaction_count + (1 if want else -1)
    Comment.objects.filter(pk=comment.pk).update(reaction_count=count)
    key = reacted_key(story_id=comment.story_id, member_id=actor.pk)
    cache.delete(key)  # now, and again after commit (a page read in between cached the old)
    transaction.on_commit(lambda: cache.delete(key))
    story_changed(comment.story)
    engagement_changed(comment.story_id)
    return want, count
