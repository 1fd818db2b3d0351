"""Writes for comments. Each public function checks the actor's right first, then writes.

Numbers are allocated under a lock on the story's row (SELECT ... FOR UPDATE on PostgreSQL;
on SQLite every write transaction already holds the database's single write lock, because
transactions begin IMMEDIATE). Everything that changes what a story page shows bumps the
story's revision and, after commit, drops its cached page.
"""

from .comments import (
    CLIENT_TOKEN_MAX_LENGTH,
    check_can_comment,
    check_can_edit,
    comment_create,
    comment_delete,
    comment_edit,
    comments_close_at,
    comments_closed,
)
from .members import (
    member_erase,
)
from .moderating import (
    comment_approve,
    comment_feature,
    comment_hide,
    comment_remove,
    comment_report,
    comment_restore,
    story_comments_close,
    thread_lock,
)
from .reactions import (
    reaction_set,
    reaction_toggle,
)

__all__ = [
    "CLIENT_TOKEN_MAX_LENGTH",
    "check_can_comment",
    "check_can_edit",
    "comment_approve",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_feature",
    "comment_hide",
    "comment_remove",
    "comment_report",
    "comment_restore",
    "comments_close_at",
    "comments_closed",
    "member_erase",
    "reaction_set",
    "reaction_toggle",
    "story_comments_close",
    "thread_lock",
]
