from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from .services import unread_count


def inbox(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """``unread_notifications()`` for the header, asked only when a member's header renders."""

    def unread() -> int:
        user = getattr(request, "user", None)
        return unread_count(user) if user is not None and user.is_authenticated else 0

    return {"unread_notifications": unread}
