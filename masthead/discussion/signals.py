"""What discussion tells the apps above it, which it may not import: a comment became visible
to readers (posted, or approved by a moderator). Sent after the transaction commits."""

from django.dispatch import Signal

comment_visible = Signal()  # keyword argument: comment_id
