"""The Jinja2 environment for Masthead's own pages.

Autoescaping is on for everything; the only unescaped HTML comes through ``sanitize.trusted``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.messages import get_messages
from django.core.exceptions import DisallowedHost
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone, translation
from django.utils.timesince import timesince
from jinja2 import Environment
from markupsafe import Markup

from . import timefmt
from .numbers import PAGE_MAX, whole_number
from .sanitize import trusted
from .xmltext import xml_text


def url(name: str, *args: Any, **kwargs: Any) -> str:
    if not args and not kwargs:
        return _url_without_arguments(name, get_script_prefix())
    return reverse(name, args=args or None, kwargs=kwargs or None)


@cache
def _url_without_arguments(name: str, script_prefix: str) -> str:
    return reverse(name)  # the site's fixed URLs, in every page's header and footer


# A value every one-argument URL pattern of the site accepts (an int, a handle, a slug).
_SENTINEL = "7919191919"


@cache
def _url_halves(name: str, script_prefix: str) -> tuple[str, str]:
    path = reverse(name, args=[_SENTINEL])
    before, found, after = path.partition(_SENTINEL)
    if not found:
        raise ValueError(f"URL {name!r} does not take one argument")
    return before, after


def url_for(name: str, value: Any) -> str:
    """``url(name, value)`` for a URL with one argument, reversed once and then filled in:
    a story page links every one of its comments several times."""
    before, after = _url_halves(name, get_script_prefix())
    return before + quote(str(value), safe="") + after


def canonical_url(request: Any) -> str:
    """The page's one address: this path on this host, with its ``?page=`` past the first and
    nothing else (sorting, tracking and session parameters name the same page). Blank for a
    request whose Host the site does not serve (its 400 page names no address)."""
    try:
        base = request.build_absolute_uri(request.path)
    except DisallowedHost:
        return ""
    page = whole_number(request.GET.get("page"), maximum=PAGE_MAX)
    return base + (f"?page={page}" if page is not None and page > 1 else "")


def iso(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def w3c(moment: Any, zone_name: str = "UTC") -> str:
    """A time as sitemaps and JSON-LD write it (W3C / ISO 8601, to the second, with its
    offset), in ``zone_name``."""
    return moment.astimezone(timefmt.zone(zone_name)).isoformat(timespec="seconds")


# Inside <script>, "</script>" or "<!--" in a string would end or bend the element: the three
# characters that can start them are written as JSON escapes, which mean the same to a parser.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: Any) -> Markup:
    """``data`` as JSON to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(text.translate(_SCRIPT_SAFE))  # noqa: S704 - escaped for a script element


def datefmt(moment: Any, format_string: str) -> str:
    return dateformat.format(timezone.localtime(moment), format_string) if moment else ""


def environment(**options: Any) -> Environment:
    options.setdefault("autoescape", True)
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], **options)  # noqa: S701 - autoescape set
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        url=url,
        url_for=url_for,
        static=static,
        settings=settings,
        now=timezone.now,
        get_messages=get_messages,
        canonical_url=canonical_url,
    )
    env.filters.update(
        story_time=timefmt.story_time,
        story_date=timefmt.story_date,
        publication=timefmt.publication,
        datefmt=datefmt,
        trusted=trusted,
        iso=iso,
        w3c=w3c,
        json_ld=json_ld,
        xml_text=xml_text,
        intcomma=intcomma,
        timesince=timesince,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
    return env
