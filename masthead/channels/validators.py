from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A channel's slug is the first segment of its URLs, so it cannot be one of the site's own.
RESERVED_CHANNEL_SLUGS = frozenset(
    {
        "about",
        "accounts",
        "admin",
        "api",
        "atom",
        "comments",
        "curate",
        "feed",
        "feeds",
        "health",
        "healthz",
        "help",
        "home",
        "inbox",
        "latest",  # the front page's Latest tab
        "login",
        "logout",
        "media",
        "moderation",
        "robots-txt",
        "rss",
        "search",
        "settings",
        "signup",
        "sitemap",
        "static",
        "stories",
        "studio",
        "top",  # kept for the front page's tabs
        "www",
    }
)


def validate_slug(value: str) -> None:
    if not 2 <= len(value) <= 50 or not SLUG_RE.match(value):
        raise ValidationError(
            _("Use 2 to 50 lowercase letters, digits and single hyphens (e.g. global-lead)."),
            code="slug",
        )


def validate_channel_slug(value: str) -> None:
    validate_slug(value)
    if value in RESERVED_CHANNEL_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for the site."), code="reserved", params={"slug": value}
        )
