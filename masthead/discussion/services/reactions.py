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
from .common import comment_locked, counted, story_changed


@transaction.atomic
def reaction_toggle(*, actor: User, comment: Comment) -> tuple[bool, int]:
    """The member reacts to a comment, or takes their reaction back. Returns (reacted, count).

    One reaction per member per comment (a unique constraint backs it). The comment is locked
    first, so the checks see it as it is now (hidden since the page was read takes no more)
    and its count moves with each reaction made or taken back, one after the other.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to react."))
    comment = comment_locked(comment)
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot react to your own comment."), code="own")
    if not counted(comment):
        raise ValidationError(_("This comment takes no reactions."), code="status")
    moderation.check_can_write(actor, comment.story.channel_id)
    removed, _kinds = Reaction.objects.filter(comment=comment, member=actor).delete()
    if removed:
        delta, reacted = -1, False
    else:
        Reaction.objects.create(comment=comment, member=actor, story_id=comment.story_id)
        delta, reacted = 1, True
    count = comment.reaction_count + delta
    Comment.objects.filter(pk=comment.pk).update(reaction_count=count)
    key = reacted_key(story_id=comment.story_id, member_id=actor.pk)
    cache.delete(key)  # now, and again after commit (a page read in between cached the old)
    transaction.on_commit(lambda: cache.delete(key))
    story_changed(comment.story)
    return reacted, count
