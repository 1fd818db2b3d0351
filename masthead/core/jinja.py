"""The Jinja2 environment for Masthead's own pages.

Autoescaping is on for everything; the only unescaped HTML comes through ``sanitize.trusted``.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone, translation
from django.utils.timesince import timesince
from jinja2 import Environment

from . import timefmt
from .sanitize import trusted


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


def iso(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


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
    )
    env.filters.update(
        story_time=timefmt.story_time,
        story_date=timefmt.story_date,
        publication=timefmt.publication,
        datefmt=datefmt,
        trusted=trusted,
        iso=iso,
        intcomma=intcomma,
        naturaltime=naturaltime,
        timesince=timesince,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
    return env
