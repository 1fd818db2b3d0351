"""What a search page's query string asks for: the words, the filters, the order, the page.

The search page reads its GET parameters here and nowhere else. Each value is cleaned of
control characters and checked (a channel that exists, a real date, a start before the end);
what fails is kept, with a message the reader can act on, so the page can answer 400 and still
show the filter as a chip that removes it. Links to the same search with one thing changed
(a chip's "remove", the sort control, the next page) are built from the values as they came,
so a link never rewrites what the reader typed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from masthead.channels.models import Channel, Section
from masthead.channels.validators import SLUG_RE
from masthead.core.localcache import LocalCache
from masthead.core.numbers import whole_number
from masthead.core.timefmt import story_date
from masthead.stories.models import Source, Story

SEARCH_PATH = "/search"  # a reserved channel slug (channels/validators.py): no channel takes it
# The parameters, in the order links write them. ``from`` and ``to`` are Python keywords:
# attributes are ``date_from`` and ``date_to``.
FILTERS = ("channel", "section", "source", "kind", "from", "to")
PARAMS = ("q", *FILTERS, "sort", "page")
SORTS = ("relevance", "newest")
KINDS = (Story.Kind.ORIGINAL.value, Story.Kind.CURATED.value)
QUERY_MAX_CHARS = 500  # a pasted paragraph is not a search; longer is refused, not cut
VALUE_MAX_CHARS = 253  # the longest filter value that can name anything (a domain)
PAGE_MAX = 10_000  # as the page cache's: no search has more pages worth asking for
# Years a date filter may name: every story is in them, and a day either side stays a date.
YEAR_MIN, YEAR_MAX = 1900, 2999
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A channel created or renamed is offered, and accepted as a filter, within this time.
CHANNELS_SECONDS = 60


def clean(text: str) -> str:
    """``text`` without control characters (NUL, escapes, C1 codes): they mean nothing in a
    search and break a page. Line breaks and tabs become spaces; other formatting characters
    (right-to-left marks, joiners) are the reader's and stay."""
    kept = []
    for ch in text:
        if ch in "\t\n\r":
            kept.append(" ")
        elif unicodedata.category(ch) != "Cc":
            kept.append(ch)
    return "".join(kept).strip()


def domain_key(text: str) -> str:
    """A publisher's domain as sources store it: lower case, without ``www.`` or a final dot."""
    return text.strip().lower().rstrip(".").removeprefix("www.")


@dataclass(frozen=True)
class ChannelChoice:
    """A channel as the search page names it: in the filter's menu, its chip, its checks."""

    slug: str
    name: str


_channels = LocalCache(max_entries=1)


def channel_choices() -> list[ChannelChoice]:
    """Every channel, by name; kept in each process for CHANNELS_SECONDS, so that neither the
    menu nor the check of a ``channel`` filter costs a query per search."""
    found: list[ChannelChoice] | None = _channels.get("all")
    if found is None:
        found = [
            ChannelChoice(slug, name)
            for slug, name in Channel.objects.order_by("name").values_list("slug", "name")
        ]
        _channels.set("all", found, CHANNELS_SECONDS)
    return found


@dataclass(frozen=True)
class Chip:
    """A filter the page shows, with the link to the same search without it."""

    name: str  # the parameter
    label: str  # "Channel", "From"
    value: str  # what it means: "Global Lead", "March 1, 2026"; the raw value if invalid
    remove_url: str
    valid: bool


@dataclass(frozen=True)
class SearchRequest:
    """A search page's parameters: ``raw`` as they came (cleaned), the rest as checked."""

    raw: dict[str, str]
    q: str = ""
    channel: ChannelChoice | None = None
    sections: tuple[Section, ...] = ()  # a slug without a channel names one in each channel
    source: Source | None = None
    kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def section(self) -> str | None:
        return self.sections[0].slug if self.sections else None

    def url(self, **changes: str | None) -> str:
        """The search page's URL for these parameters with ``changes`` (None drops one).
        Changing anything but the page goes back to page 1."""
        values = dict(self.raw)
        if set(changes) - {"page"}:
            values.pop("page", None)
        for name, value in changes.items():
            values[name] = value or ""
        if values.get("sort") == "relevance":
            values.pop("sort")
        if values.get("page") == "1":
            values.pop("page")
        query = urlencode([(name, values[name]) for name in PARAMS if values.get(name)])
        return reverse("search:search") + (f"?{query}" if query else "")

    def chips(self) -> list[Chip]:
        found = {
            "channel": self.channel.name if self.channel else None,
            "section": self.sections[0].name if self.sections else None,
            "source": self.source.name if self.source else None,
            "kind": _("Curated") if self.kind == "curated" else _("Original"),
            "from": story_date_of(self.date_from),
            "to": story_date_of(self.date_to),
        }
        labels = {
            "channel": _("Channel"),
            "section": _("Section"),
            "source": _("Source"),
            "kind": _("Kind"),
            "from": _("From"),
            "to": _("To"),
        }
        chips = []
        for name in FILTERS:
            raw = self.raw.get(name)
            if not raw:
                continue
            valid = name not in self.errors
            chips.append(
                Chip(
                    name=name,
                    label=labels[name],
                    value=(found[name] or raw) if valid else raw,
                    remove_url=self.url(**{name: None}),
                    valid=valid,
                )
            )
        return chips


def without_empty(params: QueryDict) -> str | None:
    """The search page's URL without the search's parameters that came empty (the narrow form
    sends ``channel=&kind=&from=&to=`` for the filters it leaves alone), or None if none did.
    Every other value stays as it came."""
    pairs = [(name, value) for name, values in params.lists() for value in values]
    kept = [(name, value) for name, value in pairs if value or name not in PARAMS]
    if len(kept) == len(pairs):
        return None
    query = urlencode(kept)
    return reverse("search:search") + (f"?{query}" if query else "")


def story_date_of(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return story_date(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), "UTC")


def _parse_date(text: str) -> dt.date | None:
    if not DATE_RE.match(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if YEAR_MIN <= day.year <= YEAR_MAX else None


def parse(params: QueryDict) -> SearchRequest:
    """The search request a query string makes, checked against the database (channels,
    sections, sources). Never raises for what a reader may type: problems are in ``errors``."""
    raw: dict[str, str] = {}
    for name in PARAMS:
        value = clean(params.get(name, ""))
        if value:
            raw[name] = value
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}

    q = raw.get("q", "")
    if len(q) > QUERY_MAX_CHARS:
        errors["q"] = _(
            "The search is too long: use at most %(count)d characters, a few words that the "
            "story contains."
        ) % {"count": QUERY_MAX_CHARS}

    for name in FILTERS:
        if len(raw.get(name, "")) > VALUE_MAX_CHARS:
            errors[name] = _("That filter is too long to name anything.")

    channel_slug = raw.get("channel")
    if channel_slug and "channel" not in errors:
        channel = _channel(channel_slug)
        if channel is None:
            errors["channel"] = _("There is no channel “%(slug)s”.") % {"slug": channel_slug}
        found["channel"] = channel

    section_slug = raw.get("section")
    if section_slug and "section" not in errors:
        sections = _sections(section_slug, found.get("channel"))
        if not sections:
            errors["section"] = (
                _("There is no section “%(slug)s” in %(channel)s.")
                % {"slug": section_slug, "channel": found["channel"].name}
                if found.get("channel")
                else _("There is no section “%(slug)s”.") % {"slug": section_slug}
            )
        found["sections"] = sections

    domain = raw.get("source")
    if domain and "source" not in errors:
        source = Source.objects.filter(domain=domain_key(domain)).first()
        if source is None:
            errors["source"] = _("No stories come from “%(domain)s”.") % {"domain": domain}
        found["source"] = source

    kind = raw.get("kind")
    if kind and "kind" not in errors:
        if kind not in KINDS:
            errors["kind"] = _("A story's kind is “original” or “curated”.")
        found["kind"] = kind if kind in KINDS else None

    for name, attribute in (("from", "date_from"), ("to", "date_to")):
        text = raw.get(name)
        if text and name not in errors:
            day = _parse_date(text)
            if day is None:
                errors[name] = _(
                    "“%(value)s” is not a date: write it as year-month-day, such as 2026-03-01."
                ) % {"value": text}
            found[attribute] = day
    if found.get("date_from") and found.get("date_to") and found["date_from"] > found["date_to"]:
        errors["to"] = _("The end date comes before the start date.")

    sort = raw.get("sort", "relevance")
    if sort not in SORTS:
        errors["sort"] = _("Sort by “relevance” or “newest”.")
        sort = "relevance"

    # A page past the end or unreadable is the nearest page, as the site's other lists do.
    page = whole_number(raw.get("page"), 1, maximum=PAGE_MAX) or 1
    return SearchRequest(
        raw=raw,
        q=q,
        channel=found.get("channel"),
        sections=tuple(found.get("sections") or ()),
        source=found.get("source"),
        kind=found.get("kind"),
        date_from=found.get("date_from"),
        date_to=found.get("date_to"),
        sort=sort,
        page=page,
        errors=errors,
    )


def _channel(slug: str) -> ChannelChoice | None:
    return next((choice for choice in channel_choices() if choice.slug == slug), None)


def _sections(slug: str, channel: ChannelChoice | None) -> list[Section]:
    if not SLUG_RE.match(slug):
        return []
    found = Section.objects.filter(slug=slug).select_related("channel")
    if channel is not None:
        found = found.filter(channel__slug=channel.slug)
    return list(found.order_by("channel__name", "pk"))
