from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import User


def member_of(request: HttpRequest) -> User:
    """The member behind a request that ``login_required`` let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user
