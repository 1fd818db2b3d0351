"""Who is asking: a personal access token (``Authorization: Bearer``), else the session.

Reads are open to anyone; a token or a session only changes what the reader may see (their
own comments held for review, a moderator's view). Writes need a member: a token with the
write scope, or a session whose unsafe requests carry the CSRF token, as the site's forms do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from masthead.accounts.models import User

from .models import AccessToken, digest_of
from .problems import Problem

LAST_USED_EVERY = dt.timedelta(minutes=5)  # last_used_at is a hint: one write per token per this


def _member_for(secret: str, scope: str) -> User:
    token = (
        AccessToken.objects.select_related("member__profile")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    member = token.member if token is not None else None
    if token is None or member is None or not member.is_active or member.is_login_banned():
        raise AuthenticationError(401, _("This token is not valid, or it was revoked."))
    if not constant_time_compare(token.password_mark, member.get_session_auth_hash()):
        raise AuthenticationError(
            401, _("This token ended when the account's password changed: make a new one.")
        )
    if not token.allows(scope):
        raise Problem(403, _("This token may only read: make one with the write scope."))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return member


class TokenAuth(HttpBearer):
    """A personal access token of the given scope."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(401, _("Send the token as `Authorization: Bearer <token>`."))
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        member = _member_for(token, self.scope)
        request.user = member
        return member


class SessionAuth(APIKeyCookie):
    """The site's own session; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in {"GET", "HEAD", "OPTIONS"} and check_csrf(request) is not None:
            raise Problem(403, _("The CSRF token is missing or wrong: send X-CSRFToken."))
        return user if user.is_active else None

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # __call__ decides


WRITE = [TokenAuth("write"), SessionAuth()]


def viewer(request: HttpRequest) -> User | AnonymousUser:
    """The reader of a read: the token's member, the session's, or anonymous. A token that is
    sent must be valid (401 otherwise): a script should learn its token stopped working."""
    if request.headers.get("Authorization"):
        # Once a request: the kept-answer check and the operation both ask (one token lookup).
        found: User | None = getattr(request, "_masthead_token_member", None)
        if found is None:
            found = TokenAuth("read")(request)
            request._masthead_token_member = found  # type: ignore[attr-defined]
        return found
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_active:
        return user
    return AnonymousUser()
