"""The piece of a story's text a result shows, with the words searched for marked.

Cut from the document's plain text (the same on both engines), for the 20 results a page
shows only. The text is escaped first and only then are the matched words wrapped in
``<mark>``: a story whose text holds ``<script>`` or ``<mark>`` shows those characters, never
markup. The result is ``Markup`` built with ``Markup.format``, which escapes what it is given;
it is the one piece of HTML the search app makes, because only here is it known which words
matched (templates insert it as it is).

A word matches when it is a query word's stem once folded (case, accents), by either engine's
stemmer (Snowball English for PostgreSQL, Porter for SQLite's FTS5), so "missile" is marked
for "missiles". Candidates are found by a regular expression of the stems' first letters over
a folded copy of the text of the same length (lower case, accents off, letter for letter), and
only they are stemmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import Stemmer
from markupsafe import Markup, escape

from .query import fold

SNIPPET_CHARS = 220  # about two lines of a results page
LEAD_IN_CHARS = 60  # text shown before the first marked word of the window
PREFIX_CHARS = 4  # a stem's first letters that find candidate words
_WORD = re.compile(r"[^\W_]+")
_STEMMERS = (Stemmer.Stemmer("english"), Stemmer.Stemmer("porter"))
ELLIPSIS = "…"


def _fold_table() -> dict[int, str]:
    """For each letter that folds to one other letter (é, È, ğ, Ł, Ά, ...), that letter: a
    text translated by it keeps its length, so a word found in the copy is at the same place
    in the text. (Letters that fold to two, ß or æ, are left: the copy stays aligned.)"""
    table: dict[int, str] = {}
    for start, end in ((0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            folded = fold(chr(code))
            if len(folded) == 1 and folded.isalpha() and folded != chr(code).lower():
                table[code] = folded
    return table


_FOLD_TABLE = _fold_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD_TABLE)) + "]")
MATCHES_LOOKED_AT = 24  # a word used more often than this gains no better snippet
LEAD_CHARS = 2500  # where a story's words are looked for first: most snippets are found here


def _folded(text: str) -> str:
    """``text`` lower case and without accents, letter for letter (the same length)."""
    lower = text.lower()
    if len(lower) != len(text):  # "İ" lowers to two characters: fold letter by letter
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if not lower.isascii() and _FOLDABLE.search(lower):
        lower = lower.translate(_FOLD_TABLE)
    return lower


@lru_cache(maxsize=8192)
def stems(word: str) -> frozenset[str]:
    folded = word.lower() if word.isascii() else fold(word)
    return frozenset((folded, *(stemmer.stemWord(folded) for stemmer in _STEMMERS)))


@lru_cache(maxsize=256)
def _matcher(words: tuple[str, ...]) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    """A pattern of the stems' first letters (folded), with the rest of the word, and the
    stems wanted; a candidate is kept when it starts a word and is one of them, stemmed."""
    wanted: set[str] = set()
    prefixes: set[str] = set()
    for word in words:
        found = stems(word)
        wanted |= found
        prefixes |= {stem[:PREFIX_CHARS] for stem in found if stem}
    if not prefixes:
        return None, frozenset()
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})[^\W_]*"), frozenset(wanted)


def _matches(text: str, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(start, end, stem) of the words of ``text`` that match one of ``words``: the first
    ``MATCHES_LOOKED_AT``, looked for in the lead (``LEAD_CHARS``) first, and in the rest
    only when the lead has none of the words."""
    pattern, wanted = _matcher(words)
    if pattern is None:
        return []
    folded = _folded(text[:LEAD_CHARS])
    found = _found(pattern, wanted, folded, 0)
    if len(text) > LEAD_CHARS and len({stem for *_, stem in found}) < len(words):
        # The rest from the last word the lead cut, so that word is seen whole.
        resume = _cut_before(text, LEAD_CHARS)
        found = [hit for hit in found if hit[1] <= resume]
        found += _found(pattern, wanted, _folded(text[resume:]), resume, already=len(found))
    return found


def _found(
    pattern: re.Pattern[str],
    wanted: frozenset[str],
    folded: str,
    offset: int,
    *,
    already: int = 0,
) -> list[tuple[int, int, str]]:
    """The matches in ``folded`` (a folded piece of the text that starts at ``offset``)."""
    found = []
    for match in pattern.finditer(folded):
        start = match.start()
        if start and folded[start - 1].isalnum():
            continue  # inside a word
        hit = stems(match.group()) & wanted
        if hit:
            found.append((offset + start, offset + match.end(), min(hit)))
            if already + len(found) >= MATCHES_LOOKED_AT:
                break
    return found


def _marked(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    out = Markup("")
    at = 0
    for start, end in spans:
        out += escape(text[at:start]) + Markup("<mark>{}</mark>").format(text[start:end])
        at = end
    return out + escape(text[at:])


def highlight(text: str, words: Sequence[str]) -> Markup:
    """The whole of ``text`` (a headline), escaped, with matching words marked."""
    return _marked(text, [(s, e) for s, e, _stem in _matches(text, tuple(words))])


def _cut_before(text: str, at: int) -> int:
    """A word boundary at or before ``at``."""
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _cut_after(text: str, at: int) -> int:
    while at < len(text) and not text[at].isspace():
        at += 1
    return at


def snippet(text: str, words: Sequence[str], *, size: int = SNIPPET_CHARS) -> Markup:
    """About ``size`` characters of ``text`` (on one line: a document's) around the densest
    run of matching words
    (the most distinct words, then the most matches, then the earliest), escaped, the words
    marked; the start of the text when none matches."""
    found = _matches(text, tuple(words))
    if not found:
        end = _cut_after(text, size) if len(text) > size else len(text)
        return _marked(text[:end], []) + (ELLIPSIS if end < len(text) else "")
    best, best_key = 0, (-1, -1, 0)
    right = 0
    for left, (start, _end, _stem) in enumerate(found):
        right = max(right, left)
        while right + 1 < len(found) and found[right + 1][1] - start <= size - LEAD_IN_CHARS:
            right += 1
        window = found[left : right + 1]
        key = (len({stem for *_, stem in window}), len(window), -start)
        if key > best_key:
            best, best_key = left, key
    first = found[best][0]
    begin = _cut_before(text, max(0, first - LEAD_IN_CHARS)) if first > LEAD_IN_CHARS else 0
    end = _cut_after(text, begin + size) if begin + size < len(text) else len(text)
    spans = [(s - begin, e - begin) for s, e, _ in found if s >= begin and e <= end]
    body = _marked(text[begin:end], spans)
    return escape(ELLIPSIS if begin > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
