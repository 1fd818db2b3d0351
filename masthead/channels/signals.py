"""What channels tell the apps above it, which it may not import.

- ``role_changed`` (``actor``, ``channel``, ``user``, ``role``, ``granted``): a role was granted
  or revoked (``channel`` None: a site moderator appointed or dismissed). Sent inside the
  transaction that made the change, so what a receiver writes (the moderation log) commits or
  rolls back with it.
- ``follow_changed`` (``channel_id``): a member followed the channel or stopped; sent after
  the change is written (stories re-rank the channel's recent stories: their scores count
  its followers).
"""

from django.dispatch import Signal

role_changed = Signal()
follow_changed = Signal()
