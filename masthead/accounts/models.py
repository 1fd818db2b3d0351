from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import DISPLAY_NAME_MAX_LENGTH, HANDLE_MAX_LENGTH, validate_handle


class UserManager(DjangoUserManager["User"]):
    """Users are identified by e-mail; there is no username."""

    def _create_user_object(self, username: Any, email: Any, password: Any, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self.create_user(email, password, **extra)


FOREVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)  # a ban without an end


class User(AbstractUser):
    """A login. What others see of a member is the Profile."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    # Kept by the channel role services: whether the member owns or curates any channel. Pages
    # ask "may this member curate here?" on every view; for most members this answers it.
    holds_channel_role = models.BooleanField(default=False, editable=False)
    # Appointed by site admins: moderates the discussions of every channel.
    is_site_moderator = models.BooleanField(_("site moderator"), default=False)
    # Kept by the moderation services from the member's site-wide full bans: until then the
    # member cannot log in, and their sessions end. Read with the session's user, no query.
    login_banned_until = models.DateTimeField(null=True, blank=True, editable=False)

    def is_login_banned(self, now: dt.datetime | None = None) -> bool:
        return self.login_banned_until is not None and self.login_banned_until > (
            now or timezone.now()
        )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class Profile(models.Model):
    """A member as others see them: a display name and a handle unique in any letter case."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    handle = models.CharField(
        _("handle"), max_length=HANDLE_MAX_LENGTH, validators=[validate_handle]
    )
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX_LENGTH)
    bio = models.TextField(_("about"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("handle"), name="profile_handle_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.handle})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pages:profile", kwargs={"handle": self.handle})
