"""One reaction per member per comment, counted on the comment."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.moderation import services as moderation

from ..models import Comment, Reaction
from ..selectors import reacted_key
from .common import story_changed


@transaction.atomic
def reaction_toggle(*, actor: User, comment: Comment) -> tuple[bool, int]:
    """The member reacts to a comment, or takes their reaction back. Returns (reacted, count).

    One reaction per member per comment (a unique constraint backs it); the count on the
    comment moves in the same statement-level increment, so concurrent reactions all count.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to react."))
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot react to your own comment."), code="own")
    if comment.status != Comment.Status.VISIBLE or comment.is_deleted:
        raise ValidationError(_("This comment takes no reactions."), code="status")
    moderation.check_can_write(actor, comment.story.channel_id)
    removed, _kinds = Reaction.objects.filter(comment=comment, member=actor).delete()
    if removed:
        delta, reacted = -1, False
    else:
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, member=actor, story_id=comment.story_id)
        except IntegrityError:  # the same member's other request got there first
            return True, Comment.objects.get(pk=comment.pk).reaction_count
        delta, reacted = 1, True
    Comment.objects.filter(pk=comment.pk).update(reaction_count=F("reaction_count") + delta)
    count = Comment.objects.values_list("reaction_count", flat=True).get(pk=comment.pk)
    key = reacted_key(story_id=comment.story_id, member_id=actor.pk)
    cache.delete(key)  # now, and again after commit (a page read in between cached the old)
    transaction.on_commit(lambda: cache.delete(key))
    story_changed(comment.story)
    return reacted, count
