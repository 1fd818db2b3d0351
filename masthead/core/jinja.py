"""The Jinja2 environment for Masthead's own pages.

Autoescaping is on for everything; the only unescaped HTML comes through ``sanitize.trusted``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.timesince import timesince
from jinja2 import Environment

from . import timefmt
from .sanitize import trusted


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


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
        static=static,
        settings=settings,
        now=timezone.now,
        get_messages=get_messages,
    )
    env.filters.update(
        story_time=timefmt.story_time,
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
