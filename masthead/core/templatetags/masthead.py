"""Lets the Django templates Masthead must keep (allauth's pages) share the site's layout,
which is written once, in Jinja2."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: Any, name: str) -> SafeString:
    """Render the Jinja2 template ``name`` with this page's request."""
    request = context.get("request")
    rendered = get_template(name, using="jinja2").render({}, request=request)
    return SafeString(rendered)


@register.simple_tag
def site_name() -> str:
    return str(settings.MASTHEAD_SITE_NAME)
