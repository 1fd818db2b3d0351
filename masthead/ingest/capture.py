"""Parse a text capture of a story page (the format of ``../shared/seed/``) into its parts.

A capture is what a browser's "copy all" or a text dump of a story page gives, top to bottom::

    Headline

    By Byline Names

    July 25, 2017, 2:01 PM PDT

    ( Photo caption | Photographer: Credit)

    Body paragraph.

    Short Subheading

    Body paragraph.

    Read full story

    Comments
    No. 1-1
    Display Name
    handle

    Comment text.

    Stories

The photo line, "Read full story" and the comments are optional; the final "Stories" heading
may be glued to the last text when the dump dropped the newline before it. Pure text in, plain
data out: no database, no network, so the importers that use it decide what to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from itertools import pairwise
from zoneinfo import ZoneInfo


class CaptureError(ValueError):
    """The text is not a capture of a story page; the message says what is missing."""


@dataclass(frozen=True)
class CapturedComment:
    thread: int  # T of "No. T-P"
    position: int  # P
    display_name: str
    handle: str
    body: str  # the comment's text, paragraphs separated by blank lines


@dataclass(frozen=True)
class Capture:
    headline: str
    byline: str  # names without the leading "By "
    published: datetime  # timezone-aware, in UTC: the instant the capture states
    time_zone: str  # IANA zone for the stated abbreviation
    image_caption: str  # "" if the capture has no photo line
    image_credit: str  # as written after the "|"
    blocks: list[tuple[str, str]]  # the body in order: ("p", text) or ("h2", text)
    read_full_story: bool  # the capture links to the original publisher (a curated story)
    comments: list[CapturedComment]


# Abbreviation -> (IANA zone, UTC offset the abbreviation denotes). The offset is the fallback
# check for zones whose tz database entry has a numeric designation (Asia/Singapore is "+08").
ZONE_ABBREVIATIONS: dict[str, tuple[str, timedelta]] = {
    "PDT": ("America/Los_Angeles", timedelta(hours=-7)),
    "PST": ("America/Los_Angeles", timedelta(hours=-8)),
    "MDT": ("America/Denver", timedelta(hours=-6)),
    "MST": ("America/Denver", timedelta(hours=-7)),
    "CDT": ("America/Chicago", timedelta(hours=-5)),
    "CST": ("America/Chicago", timedelta(hours=-6)),
    "EDT": ("America/New_York", timedelta(hours=-4)),
    "EST": ("America/New_York", timedelta(hours=-5)),
    "AKDT": ("America/Anchorage", timedelta(hours=-8)),
    "AKST": ("America/Anchorage", timedelta(hours=-9)),
    "HST": ("Pacific/Honolulu", timedelta(hours=-10)),
    "GMT": ("UTC", timedelta(0)),
    "UTC": ("UTC", timedelta(0)),
    "Z": ("UTC", timedelta(0)),
    "BST": ("Europe/London", timedelta(hours=1)),
    "WET": ("Europe/Lisbon", timedelta(0)),
    "WEST": ("Europe/Lisbon", timedelta(hours=1)),
    "CET": ("Europe/Paris", timedelta(hours=1)),
    "CEST": ("Europe/Paris", timedelta(hours=2)),
    "EET": ("Europe/Athens", timedelta(hours=2)),
    "EEST": ("Europe/Athens", timedelta(hours=3)),
    "MSK": ("Europe/Moscow", timedelta(hours=3)),
    "IST": ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
    "SGT": ("Asia/Singapore", timedelta(hours=8)),
    "HKT": ("Asia/Hong_Kong", timedelta(hours=8)),
    "JST": ("Asia/Tokyo", timedelta(hours=9)),
    "KST": ("Asia/Seoul", timedelta(hours=9)),
    "AEST": ("Australia/Sydney", timedelta(hours=10)),
    "AEDT": ("Australia/Sydney", timedelta(hours=11)),
    "NZST": ("Pacific/Auckland", timedelta(hours=12)),
    "NZDT": ("Pacific/Auckland", timedelta(hours=13)),
}

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Full names as the page writes them, and the short forms ("Jan.", "Sept.") of other captures.
MONTHS: dict[str, int] = (
    {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
    | {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
    | {"sept": 9}
)

SNIFF_CHARS = 4096  # the header lines sit at the very top; never scan a whole WARC to sniff
SUBHEADING_MAX_WORDS = 8  # longer lines are sentences, even without a full stop
SUBHEADING_MAX_CHARS = 60  # a subheading fits on one line of the page
# A line ending like this is a sentence, a lead-in or a quotation, not a subheading.
# Curly marks are escaped so that they cannot be mistaken for their ASCII look-alikes.
SENTENCE_ENDINGS = (".", "!", "?", ":", ";", ",", "\u2026", '"', "\u201d", "\u2019")

READ_FULL_STORY = "Read full story"
COMMENTS = "Comments"
STORIES = "Stories"

_SPACES = re.compile(r"[ \t\f\v]+")
_TIME_LINE = re.compile(
    r"""^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4}),?\s+
    (?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<meridiem>[AaPp])\.?[Mm]\.?\s+
    (?P<zone>[A-Z]{1,5})$""",
    re.VERBOSE,
)
_COMMENT_NUMBER = re.compile(r"^No\.\s*(?P<thread>\d+)-(?P<position>\d+)$")
_HANDLE = re.compile(r"^@?(?P<handle>[A-Za-z0-9_]+)$")


def looks_like_capture(text: str) -> bool:
    """Whether ``text`` starts like a capture: headline, "By " line, time line with a zone.

    Cheap enough to run on every upload to choose among import formats (WARC, OPML, ...); the
    zone abbreviation is not checked here, so a capture with a bad time still reaches
    ``parse_capture`` and gets a precise error.
    """
    lines = _normalised_lines(text[:SNIFF_CHARS])
    header = [line for line in lines if line][:3]
    if len(header) < 3 or header[0].startswith(("<", "WARC/")):
        return False
    return _byline_names(header[1]) is not None and _TIME_LINE.match(header[2]) is not None


def parse_capture(text: str) -> Capture:
    """The parts of a story page capture; raises CaptureError saying what does not fit."""
    lines = _normalised_lines(_without_stories_marker(text))
    nonblank = [index for index, line in enumerate(lines) if line]
    if not nonblank:
        raise CaptureError("the text is empty")
    headline = lines[nonblank[0]]
    if headline.startswith(("<", "WARC/")):
        raise CaptureError("the text is markup or an archive, not a capture of a story page")
    if len(nonblank) < 2 or (byline := _byline_names(lines[nonblank[1]])) is None:
        raise CaptureError("no byline: the line after the headline must start with 'By '")
    if len(nonblank) < 3:
        raise CaptureError("no time line (like 'July 25, 2017, 2:01 PM PDT') after the byline")
    published, time_zone = parse_time_line(lines[nonblank[2]])

    rest = lines[nonblank[2] + 1 :]
    image_caption, image_credit, rest = _split_photo(rest)
    comments_at = _find_comments_line(rest)
    body_lines = rest[:comments_at]
    body_lines, read_full_story = _split_read_full_story(body_lines)
    blocks = body_blocks(_line_runs(body_lines))
    if not blocks:
        raise CaptureError("no body paragraphs between the time or photo line and 'Comments'")
    return Capture(
        headline=headline,
        byline=byline,
        published=published,
        time_zone=time_zone,
        image_caption=image_caption,
        image_credit=image_credit,
        blocks=blocks,
        read_full_story=read_full_story,
        comments=parse_comments(rest[comments_at + 1 :]),
    )


def body_html(capture: Capture) -> str:
    """The body as ``<p>`` and ``<h2>`` elements, one a line; the text is escaped, never trusted."""
    elements = []
    for tag, text in capture.blocks:
        if tag not in ("p", "h2"):
            raise ValueError(f"a capture's body has only 'p' and 'h2' blocks, not {tag!r}")
        elements.append(f"<{tag}>{escape(text)}</{tag}>")
    return "\n".join(elements)


def parse_time_line(line: str) -> tuple[datetime, str]:
    """The instant (in UTC) and IANA zone of a line like ``July 25, 2017, 2:01 PM PDT``.

    The abbreviation must be one the zone really uses at that date and time: "PDT" in January
    is a mistake in the capture, and guessing which half is wrong would misdate the story.
    """
    match = _TIME_LINE.match(line)
    if match is None:
        raise CaptureError(
            f"no time line (like 'July 25, 2017, 2:01 PM PDT') after the byline: {line!r}"
        )
    month = MONTHS.get(match["month"].lower())
    hour, minute = int(match["hour"]), int(match["minute"])
    if month is None or not 1 <= hour <= 12:
        raise CaptureError(f"the time line {line!r} has no valid month or 12-hour time")
    hour = hour % 12 + (12 if match["meridiem"].upper() == "P" else 0)
    try:
        local = datetime(int(match["year"]), month, int(match["day"]), hour, minute)  # noqa: DTZ001
    except ValueError as error:
        raise CaptureError(f"the time line {line!r} is not a real date and time: {error}") from None
    abbreviation = match["zone"]
    if abbreviation not in ZONE_ABBREVIATIONS:
        raise CaptureError(f"unknown time zone abbreviation {abbreviation!r} in {line!r}")
    zone_name, offset = ZONE_ABBREVIATIONS[abbreviation]
    return _localize(local, abbreviation, ZoneInfo(zone_name), offset).astimezone(UTC), zone_name


def _localize(local: datetime, abbreviation: str, zone: ZoneInfo, offset: timedelta) -> datetime:
    """``local`` in ``zone`` as the abbreviation states it.

    Both folds are tried so that an hour repeated when clocks go back (1:30 AM PDT, then
    1:30 AM PST) resolves to the instant the abbreviation names; a wall time skipped when
    clocks go forward does not survive the round trip through UTC and is refused.
    """
    in_use: set[str] = set()
    for fold in (0, 1):
        aware = local.replace(tzinfo=zone, fold=fold)
        in_use.add(aware.tzname() or "")
        if aware.tzname() == abbreviation or aware.utcoffset() == offset:
            if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
                raise CaptureError(
                    f"{_wall_time(local)} {abbreviation} does not exist in {zone.key}:"
                    " the clocks skipped that hour"
                )
            return aware
    raise CaptureError(
        f"{abbreviation} is not in use in {zone.key} on {_wall_time(local)}"
        f" (it is {' or '.join(sorted(in_use))} then)"
    )


def _wall_time(local: datetime) -> str:
    """``local`` written as the capture writes it, for error messages."""
    hour = local.hour % 12 or 12
    meridiem = "PM" if local.hour >= 12 else "AM"
    return f"{local:%B} {local.day}, {local.year}, {hour}:{local:%M} {meridiem}"


def parse_comments(lines: list[str]) -> list[CapturedComment]:
    """The comments after the "Comments" line, in file order; each number appears once."""
    starts = [index for index, line in enumerate(lines) if _COMMENT_NUMBER.match(line)]
    if stray := [line for line in lines[: starts[0] if starts else len(lines)] if line]:
        raise CaptureError(f"text after 'Comments' that is not a comment 'No. T-P': {stray[0]!r}")
    comments: list[CapturedComment] = []
    seen: set[tuple[int, int]] = set()
    for start, end in pairwise([*starts, len(lines)]):
        comment = _parse_comment(lines[start], lines[start + 1 : end])
        number = (comment.thread, comment.position)
        if number in seen:
            raise CaptureError(f"comment No. {comment.thread}-{comment.position} appears twice")
        seen.add(number)
        comments.append(comment)
    return comments


def _parse_comment(label: str, lines: list[str]) -> CapturedComment:
    """One comment from its "No. T-P" line and the lines up to the next: display name line,
    handle line, then its text."""
    number = _COMMENT_NUMBER.match(label)
    if number is None:
        raise CaptureError(f"a comment must start with a line 'No. T-P', not {label!r}")
    thread, position = int(number["thread"]), int(number["position"])
    if thread < 1 or position < 1:
        raise CaptureError(f"comment {label!r}: threads and positions count from 1")
    rest = [index for index, line in enumerate(lines) if line]
    if len(rest) < 2:
        raise CaptureError(f"comment {label!r} has no display name and handle lines")
    display_name, handle_line = lines[rest[0]], lines[rest[1]]
    handle = _HANDLE.match(handle_line)
    if handle is None:
        raise CaptureError(
            f"comment {label!r}: {handle_line!r} is not a handle (letters, digits, underscore)"
        )
    text = "\n\n".join("\n".join(run) for run in _line_runs(lines[rest[1] + 1 :]))
    if not text:
        raise CaptureError(f"comment {label!r} has no text")
    return CapturedComment(
        thread=thread,
        position=position,
        display_name=display_name,
        handle=handle["handle"],
        body=text,
    )


def body_blocks(runs: list[list[str]]) -> list[tuple[str, str]]:
    """The body's runs of lines as blocks: "h2" for a lone line that reads as a subheading
    between paragraphs, otherwise "p" with the run's lines joined by a space (a line break
    inside a paragraph is layout, and the body has no other element to keep it)."""
    last = len(runs) - 1
    return [
        ("h2", run[0])
        if len(run) == 1 and 0 < index < last and is_subheading(run[0])
        else ("p", " ".join(run))
        for index, run in enumerate(runs)
    ]


def is_subheading(text: str) -> bool:
    """Whether a line standing alone in the body reads as a subheading ("Migrant Workers").

    The capture lost the page's markup, so this is a heuristic: short, not ending like a
    sentence, a lead-in or a quotation. A comma inside ("Russia, China") is fine; a trailing
    one means an interrupted sentence. Bracketed notes such as "(Updates with comment.)" are
    not headings. The caller also requires body on both sides: a heading that starts or ends
    the body would head nothing.
    """
    return (
        len(text) <= SUBHEADING_MAX_CHARS
        and len(text.split()) <= SUBHEADING_MAX_WORDS
        and not text.endswith(SENTENCE_ENDINGS)
        and not text.startswith(("(", "["))
    )


def _normalised_lines(text: str) -> list[str]:
    """The lines with runs of spaces collapsed and ends trimmed; other characters untouched."""
    return [_SPACES.sub(" ", line).strip() for line in text.removeprefix("\ufeff").splitlines()]


def _without_stories_marker(text: str) -> str:
    """The text without the page's final "Stories" heading.

    Text dumps of the page sometimes drop the newline before that heading, gluing it to the
    last comment ("...conflictStories"), so it is cut off wherever the capture ends with it;
    a "Stories" anywhere else is the text's own word.
    """
    stripped = text.rstrip()
    return stripped.removesuffix(STORIES) if stripped.endswith(STORIES) else text


def _byline_names(line: str) -> str | None:
    """The names of a "By ..." line, or None if the line is not a byline."""
    if not line.startswith("By "):
        return None
    return line.removeprefix("By ").strip() or None


def _split_photo(lines: list[str]) -> tuple[str, str, list[str]]:
    """Caption, credit and the remaining lines, if the first block is ``( caption | credit)``.

    The credit is after the last " | " because captions may contain a bar of their own; a
    bracketed line without one is a note in the body ("(Updates with ...)"), not a photo.
    """
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None:
        return "", "", lines
    line = lines[first]
    if not (line.startswith("(") and line.endswith(")") and " | " in line):
        return "", "", lines
    caption, _, credit = line[1:-1].rpartition(" | ")
    return caption.strip(), credit.strip(), lines[first + 1 :]


def _find_comments_line(lines: list[str]) -> int:
    """The index of the "Comments" line that ends the body; every story page has one."""
    try:
        return lines.index(COMMENTS)
    except ValueError:
        raise CaptureError("no 'Comments' line after the body") from None


def _split_read_full_story(lines: list[str]) -> tuple[list[str], bool]:
    """The body lines without a closing "Read full story" link, and whether it was there."""
    content = [index for index, line in enumerate(lines) if line]
    if content and lines[content[-1]] == READ_FULL_STORY:
        return lines[: content[-1]], True
    return lines, False


def _line_runs(lines: list[str]) -> list[list[str]]:
    """The runs of non-blank lines: the paragraphs, in order."""
    runs: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            runs.append(current)
            current = []
    return runs
