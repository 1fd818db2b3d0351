"""Reads behind the search page and related stories: ``search``, ``related_candidates`` (for
their computation) and ``related_list`` (for the story page).

Both engines answer through the same contract (engines/): the parsed query and the filters
in, ranked story ids out; this module turns them into a page of ``Hit``s, with the stories
loaded in one query and a snippet cut for each of the shown results only. A query that cannot
be run comes back as ``Results.error``, a sentence for the reader (the page answers 400).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from markupsafe import Markup

from masthead.channels.models import Channel, Section
from masthead.stories.models import Story
from masthead.stories.selectors import StoryLink

from . import snippets
from .engines import engine
from .engines.filters import Filters
from .models import Document, RelatedStory
from .query import STOP_WORDS, Query, fold, parse

PER_PAGE = 20
MAX_PER_PAGE = 100
# Results are counted up to this many, and past it the newest this many are the ones ranked:
# a reader refines the query, not the page number, and ranking every match of a common word
# is the cost to avoid (docs/decisions/0014-search.md).
MAX_COUNTED = 500
SORTS = ("relevance", "newest")
RELATED_TERMS = 12  # a story's most distinctive words that find its neighbours
RELATED_MIN_LETTERS = 3  # shorter words are initials and abbreviations, rarely a subject
RELATED_WORDS_READ = 400  # of the body, the lead: what the story is about
RELATED_SHOWN = 5  # a story page's related stories: the "up to 5"
RELATED_POSTINGS = 2000  # stories looked at for each word: a common word's newest only
RELATED_WORDS_LOOKED_UP = 60  # the story's most used words, whose rarity is then counted
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
_DOMAIN = re.compile(r"^[a-z0-9.-]{1,253}$")


@dataclass(frozen=True, slots=True)
class Found:
    """What a result shows of a story: read in one query as plain values (20 stories with
    their channel, section and publisher as model instances cost twice as much)."""

    pk: int
    public_id: uuid.UUID
    headline: str
    url: str
    kind: str
    source_name: str  # "" for an original story
    source_domain: str
    channel_name: str
    channel_url: str
    section_name: str
    section_url: str
    published_at: dt.datetime
    published_date_only: bool
    time_zone: str


@dataclass(frozen=True)
class Hit:
    story: Found
    snippet: Markup  # safe HTML: text escaped, matched words in <mark>
    rank: float  # higher is better; comparable within one Results only


@dataclass(frozen=True)
class Results:
    query: str  # the query as the parser understood it ("" when empty)
    total: int  # matches counted, at most MAX_COUNTED (``more``: there are more)
    hits: list[Hit]
    page: int
    pages: int
    error: str | None  # why the query could not be run, for the reader (answer 400)
    more: bool = False  # ``total`` stopped at MAX_COUNTED
    parsed: Query = field(default_factory=Query)  # words marked, words dropped, etc.

    @property
    def words(self) -> tuple[str, ...]:
        """The words searched for (what the page marks in headlines: ``snippets.highlight``)."""
        return self.parsed.words


def _refused(q: str, message: str, parsed: Query | None = None) -> Results:
    return Results(
        query=q, total=0, hits=[], page=1, pages=0, error=message, parsed=parsed or Query()
    )


_PROBLEMS = {
    "only_excluded": lambda: _(
        "Add a word to look for: a search cannot be only words to leave out."
    ),
    "only_common_words": lambda: _(
        "Those words are too common to search for. Add a more specific word."
    ),
}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filters(
    *,
    channel: str | None,
    section: str | None,
    source: str | None,
    kind: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> Filters | str:
    """The filters, or what is wrong with them, for the reader."""

    def given(value: str | None) -> str | None:
        value = (value or "").strip().lower()
        return value or None

    channel, section, source, kind = given(channel), given(section), given(source), given(kind)
    if section is not None and "/" in section:
        owner, _slash, section = section.partition("/")
        if channel is not None and owner != channel:
            return _("That section is not in the channel chosen.")
        channel = owner
    for value in (channel, section):
        if value is not None and not _SLUG.match(value):
            return _("Channels and sections are named by their short names, such as “politics”.")
    if source is not None:
        source = source.removeprefix("https://").removeprefix("http://").split("/")[0]
        source = source.removeprefix("www.").rstrip(".")
        if not _DOMAIN.match(source):
            return _("A source is a publisher's domain, such as “example.com”.")
    if kind is not None and kind not in Story.Kind.values:
        return _("A story is either original or curated.")
    if date_from is not None and date_to is not None and date_from > date_to:
        return _("The first date is after the last.")
    return Filters(
        now=timezone.now(),
        channel=channel,
        section=section,
        source=source,
        kind=kind,
        start=_day_start(date_from) if date_from is not None else None,
        end=_day_start(date_to + dt.timedelta(days=1)) if date_to is not None else None,
    )


def search(
    *,
    q: str,
    channel: str | None = None,
    section: str | None = None,
    source: str | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Results:
    """Published stories matching ``q`` (query.py's language), best first or newest first.

    Filters: ``channel`` a channel's slug; ``section`` either "channel-slug/section-slug" or
    a section's slug, in ``channel`` when one is given and in every channel that has a section
    of that slug when not; ``source`` a publisher's domain ("www." and a scheme are ignored);
    ``kind`` "original" or "curated"; ``date_from`` and ``date_to`` days (inclusive, in the
    site's time zone) of publication. A filter naming nothing that exists finds nothing.
    ``page`` is clamped to the pages there are. Never raises on what a reader can send: a
    query or filter that cannot be run is ``Results.error``; an empty query finds nothing.
    """
    parsed = parse(q if isinstance(q, str) else "")
    shown = str(parsed)
    if parsed.problem is not None:
        return _refused(shown, _PROBLEMS[parsed.problem](), parsed)
    if sort not in SORTS:
        return _refused(shown, _("Results are sorted by relevance or newest first."), parsed)
    filters = _filters(
        channel=channel,
        section=section,
        source=source,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
    )
    if isinstance(filters, str):
        return _refused(shown, filters, parsed)
    if not parsed.clauses:
        return Results(query=shown, total=0, hits=[], page=1, pages=0, error=None, parsed=parsed)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    try:
        total, ranked, pages, page = _ranked(parsed, filters, sort, page, per_page)
    except DatabaseError:  # a query FTS5 still refuses: say so rather than fail
        return _refused(shown, _("That search could not be run. Try other words."), parsed)
    return Results(
        query=shown,
        total=min(total, MAX_COUNTED),
        hits=_hits(ranked, parsed.words),
        page=page,
        pages=pages,
        error=None,
        more=total > MAX_COUNTED,
        parsed=parsed,
    )


def _ranked(
    parsed: Query, filters: Filters, sort: str, page: int, per_page: int
) -> tuple[int, list[tuple[int, float]], int, int]:
    """(matches counted, the page's (id, rank), pages, the page shown).

    Every match is ranked when the engine can afford it; past that (more than MAX_COUNTED
    matches, or words too common for bm25 to be cheap), the ``MAX_COUNTED`` newest matches
    are the candidates, ranked or ordered by date, and the pages are theirs
    (docs/decisions/0014-search.md)."""
    found = engine()
    with found.session():
        return _ranked_in_session(found, parsed, filters, sort, page, per_page)


def _ranked_in_session(
    found: Any, parsed: Query, filters: Filters, sort: str, page: int, per_page: int
) -> tuple[int, list[tuple[int, float]], int, int]:
    # One query finds the newest matches, MAX_COUNTED and one more: they are the count, the
    # candidates, and, with their times, the order for "newest".
    candidates = found.newest(parsed, filters, limit=MAX_COUNTED + 1)
    total = len(candidates)
    if not total:
        return 0, [], 0, 1
    candidates = candidates[:MAX_COUNTED]
    pages = math.ceil(len(candidates) / per_page)
    page = max(1, min(int(page), pages))
    offset = (page - 1) * per_page
    if sort == "newest":
        ordered = sorted(candidates, key=lambda c: (c[1], c[0]), reverse=True)
        return total, [(pk, 0.0) for pk, _at in ordered[offset : offset + per_page]], pages, page
    if total <= MAX_COUNTED and found.affordable(parsed, total):
        return total, found.rank_all(parsed, filters, offset=offset, limit=per_page), pages, page
    rank = found.rank_some(parsed, [pk for pk, _at in candidates])
    ranked = sorted(rank.items(), key=lambda item: (item[1], item[0]), reverse=True)
    return total, ranked[offset : offset + per_page], pages, page


_FOUND_FIELDS = (
    "pk",
    "public_id",
    "slug",
    "headline",
    "kind",
    "published_at",
    "published_date_only",
    "time_zone",
    "channel__slug",
    "channel__name",
    "section__slug",
    "section__name",
    "source__name",
    "source__domain",
    "search_document__excerpt",
    "search_document__body",
)


def _hits(ranked: list[tuple[int, float]], words: tuple[str, ...]) -> list[Hit]:
    if not ranked:
        return []
    rows = {
        row[0]: row
        for row in Story.objects.filter(pk__in=[pk for pk, _rank in ranked]).values_list(
            *_FOUND_FIELDS
        )
    }
    hits = []
    for pk, rank in ranked:
        row = rows.get(pk)
        if row is None:  # deleted since it was ranked
            continue
        (_pk, key, slug, headline, kind, at, date_only, zone) = row[:8]
        (channel, channel_name, section, section_name, source, domain, excerpt, body) = row[8:]
        found = Found(
            pk=pk,
            public_id=key,
            headline=headline,
            url=Story.path_of(channel=channel, section=section, slug=slug, key=key),
            kind=kind,
            source_name=source or "",
            source_domain=domain or "",
            channel_name=channel_name,
            channel_url=Channel.path_of(channel),
            section_name=section_name,
            section_url=Section.path_of(channel=channel, section=section),
            published_at=at,
            published_date_only=date_only,
            time_zone=zone,
        )
        text = f"{' '.join((excerpt or '').split())} {body or ''}"
        hits.append(Hit(story=found, snippet=snippets.snippet(text, words), rank=rank))
    return hits


_TERM = re.compile(r"[^\W_]+")


def _distinctive_words(document: Document) -> Counter[str]:
    """A story's content words (folded) with their weight in it: the headline's count
    three times, the excerpt's twice, the body's lead once."""
    counts: Counter[str] = Counter()
    body = " ".join(document.body.split()[:RELATED_WORDS_READ])
    for text, weight in ((document.headline, 3), (document.excerpt, 2), (body, 1)):
        for word in _TERM.findall(fold(text)):
            if len(word) >= RELATED_MIN_LETTERS and word not in STOP_WORDS:
                counts[word] += weight
    return counts


def related_candidates(story: Story, *, limit: int = 50) -> list[int]:
    """Ids of other published stories that share ``story``'s most distinctive words, best
    first, found through the index: the story's words weighed by how often it uses them and
    how few stories hold them (the index's document frequencies); the ``RELATED_TERMS`` best
    looked up, each up to ``RELATED_POSTINGS`` stories (the newest), and a story scored by
    the rarity of the words it shares. The story itself is never among them, nor any story
    readers cannot see. For the related-stories computation, which scores these candidates
    closely; empty when the story has no document yet."""
    document = Document.objects.filter(story_id=story.pk).first()
    if document is None:
        return []
    counts = _distinctive_words(document)
    if not counts:
        return []
    found = engine()
    frequent = sorted(counts, key=lambda w: (-counts[w], w))[:RELATED_WORDS_LOOKED_UP]
    frequencies = found.document_frequencies(frequent)
    stories = max(found.document_count(), 1)

    def idf(word: str) -> float:
        return math.log(1 + stories / (1 + frequencies.get(word, 0)))

    shared = [w for w in frequent if frequencies[w] > 1]  # another story has it
    words = sorted(shared, key=lambda w: (-(1 + math.log(counts[w])) * idf(w), w))
    score: defaultdict[int, float] = defaultdict(float)
    for word in words[:RELATED_TERMS]:
        for pk in found.matching((word,), limit=RELATED_POSTINGS):
            score[pk] += idf(word)
    score.pop(story.pk, None)
    ranked = sorted(score, key=lambda pk: (-score[pk], -pk))[: max(1, limit) * 2]
    visible = set(Story.objects.published().filter(pk__in=ranked).values_list("pk", flat=True))
    return [pk for pk in ranked if pk in visible][: max(1, limit)]


def related_list(*, story: Story, limit: int = RELATED_SHOWN) -> list[StoryLink]:
    """The story's related stories for its page: of the closest kept, the ``limit`` closest
    that are public now, newest first. One query; nothing is computed here (services.py
    keeps the lists), and a story withdrawn or unpublished is left out by this query itself."""
    rows = (
        RelatedStory.objects.filter(
            story_id=story.pk,
            related__status__in=Story.LIVE_STATUSES,
            related__published_at__lte=timezone.now(),
        )
        .select_related("related__channel", "related__section")
        .only(
            "related__public_id",
            "related__headline",
            "related__slug",
            "related__published_at",
            "related__published_date_only",
            "related__time_zone",
            "related__channel__slug",
            "related__channel__name",
            "related__section__slug",
            "related__section__name",
        )
        .order_by("rank")[:limit]
    )
    links = [StoryLink.of(other, with_channel=True) for other in (row.related for row in rows)]
    return sorted(links, key=lambda link: (link.published_at, link.id), reverse=True)
