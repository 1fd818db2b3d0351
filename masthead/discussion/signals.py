"""What discussion tells the apps above it, which it may not import. Both are sent after the
transaction commits.

- ``comment_visible`` (``comment_id``, ``parent_id``, ``text``): readers can see a comment
  (posted, or approved); ``parent_id`` and the ``text`` as written let a receiver skip the
  comments that concern nobody without a query.
- ``comment_moderated`` (``comment_id``, ``action``): a moderator approved a comment that
  waited for review, featured one, or removed one; ``action`` is one of ``MODERATED``.
"""

from django.dispatch import Signal

comment_visible = Signal()
comment_moderated = Signal()
MODERATED = ("approved", "featured", "removed")
