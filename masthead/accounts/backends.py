from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend

from .models import User


class MemberBackend(AuthenticationBackend):
    """allauth's e-mail login; loading the session's member brings their profile along, which
    every page's header shows."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        if user.is_login_banned():
            return None  # a site-wide full ban ends the member's sessions
        return user if self.user_can_authenticate(user) else None
