"""What a handle and a display name may be. Documented for members in docs/members.md."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HANDLE_MIN_LENGTH = 3
HANDLE_MAX_LENGTH = 30
# ASCII letters, digits and underscore, starting with a letter: unambiguous in a URL (/@name)
# and in text (an @mention ends at the first other character).
HANDLE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Words that would impersonate the site or collide with its paths.
RESERVED_HANDLES = frozenset(
    {
        "about",
        "account",
        "accounts",
        "admin",
        "administrator",
        "anonymous",
        "api",
        "atom",
        "channel",
        "channels",
        "curator",
        "deleted",
        "editor",
        "editors",
        "email",
        "everyone",
        "feed",
        "feeds",
        "help",
        "home",
        "login",
        "logout",
        "mail",
        "masthead",
        "media",
        "moderator",
        "moderators",
        "mod",
        "mods",
        "none",
        "null",
        "official",
        "owner",
        "root",
        "rss",
        "search",
        "security",
        "settings",
        "signup",
        "sitemap",
        "staff",
        "static",
        "support",
        "system",
        "team",
        "undefined",
        "user",
        "users",
        "webmaster",
        "www",
    }
)

DISPLAY_NAME_MAX_LENGTH = 50
# Bidirectional overrides and isolates reorder the text around them: a name could make the
# comment next to it read differently. Refused outright.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def validate_handle(value: str) -> None:
    if not HANDLE_MIN_LENGTH <= len(value) <= HANDLE_MAX_LENGTH:
        raise ValidationError(
            _("A handle is %(min)s to %(max)s characters long."),
            code="length",
            params={"min": HANDLE_MIN_LENGTH, "max": HANDLE_MAX_LENGTH},
        )
    if not HANDLE_RE.match(value):
        raise ValidationError(
            _("A handle starts with a letter and has only letters a-z, digits and underscores."),
            code="characters",
        )
    if value.lower() in RESERVED_HANDLES:
        raise ValidationError(
            _("“%(handle)s” is reserved."), code="reserved", params={"handle": value}
        )


def normalize_display_name(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def validate_display_name(value: str) -> None:
    if not value:
        raise ValidationError(_("Enter a display name."), code="required")
    if len(value) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            _("A display name is at most %(max)s characters long."),
            code="length",
            params={"max": DISPLAY_NAME_MAX_LENGTH},
        )
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError(
            _("A display name cannot contain text-direction controls."), code="bidi"
        )
    categories = [unicodedata.category(ch) for ch in value]
    if any(cat in {"Cc", "Cs", "Co", "Cn"} for cat in categories):
        raise ValidationError(
            _("A display name cannot contain control or unassigned characters."), code="control"
        )
    if all(cat in {"Cf", "Zs", "Mn", "Me"} for cat in categories):
        raise ValidationError(
            _("A display name needs at least one visible character."), code="invisible"
        )
