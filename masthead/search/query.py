"""What a reader's search box means, parsed by the project and never handed raw to a database.

The language is the one readers expect from web search:

- ``water prices``: every word (stemmed and accent-folded by the engine: "missiles" finds
  "missile", "Erdogan" finds "Erdoğan");
- ``"supply chain"``: the words in this order, next to each other;
- ``-tariffs`` or ``-"trade war"``, or ``NOT tariffs`` (``NOT`` in capitals, before a word or
  phrase): nothing that has this;
- ``strike OR walkout``: either (``OR`` in capitals, between two words or phrases);
- a word joined by hyphens, apostrophes or dots (``al-Qaeda``, ``U.S.``, ``nytimes.com``,
  ``Erdoğan's``) is the phrase of its parts, as the engines index it.

Anything else is plain words: ``title:x`` is the words ``title`` and ``x``, ``NEAR(`` the word
``near``, a lone ``"`` or ``*`` nothing. ``parse`` never raises: control and format characters
(NUL, right-to-left marks) are dropped, the text is cut at ``MAX_QUERY_CHARS`` and the words at
``MAX_WORDS``, and what cannot be searched is said in ``Query.problem``.

Function words ("the", "of") are dropped outside phrases (PostgreSQL's English list, so that
both engines are asked the same thing); inside a phrase they stay, for SQLite to match in
place and PostgreSQL to count as a gap. Pure Python: the engines (engines/) translate a
``Query`` into FTS5 or tsquery syntax with every word quoted or bound as a parameter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 300  # a long pasted sentence; beyond this is not a query but a document
MAX_WORDS = 16  # each word is a posting list to intersect: more cost and no better results
MAX_WORD_CHARS = 64  # longer is not a word (PostgreSQL refuses to index past 2,047 bytes)

# PostgreSQL's english.stop (share/tsearch_data), word for word: what its "english"
# configuration drops from documents and queries. SQLite's porter tokenizer drops nothing, so
# the parser drops these itself and both engines see the same query.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Letters that PostgreSQL's unaccent folds but SQLite's unicode61 tokenizer keeps as they are
# (it strips combining accents only). The SQLite index is fed text folded with this table
# (search/migrations/0001_initial.py has the same pairs in SQL); queries are folded alike.
EXTRA_FOLDS = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "TH",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",  # noqa: RUF001 - the dotless i is the point
    "ŀ": "l",
    "Ŀ": "L",
}
_EXTRA_FOLD_TABLE = str.maketrans(EXTRA_FOLDS)

# What joins the parts of one word: al-Qaeda, U.S., nytimes.com, Erdoğan's, 9/11.
_JOINERS = "-‐‑‒–'’.·/"  # noqa: RUF001 - the dashes and apostrophes readers type
_WORD = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r'(-*)"([^"]*)"?|(\S+)')


Phrase = tuple[str, ...]  # one word, or several in this order


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match (any one of its alternatives), no excluded
    phrase may. Words are lower-cased, NFKC-normalised, accents kept (engines fold them)."""

    clauses: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()
    dropped: tuple[str, ...] = ()  # function words left out, for the page to say so
    truncated: bool = False  # cut at MAX_QUERY_CHARS or MAX_WORDS
    # Why the query cannot be run: "only_excluded" (nothing to look for, only words to leave
    # out) or "only_common_words" (every word is a function word); None when it can.
    problem: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.excluded and self.problem is None

    @property
    def terms(self) -> tuple[str, ...]:
        """Words required on their own (not in a phrase or an OR)."""
        return tuple(c[0][0] for c in self.clauses if len(c) == 1 and len(c[0]) == 1)

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """Phrases required (not in an OR)."""
        return tuple(c[0] for c in self.clauses if len(c) == 1 and len(c[0]) > 1)

    @property
    def or_groups(self) -> tuple[tuple[Phrase, ...], ...]:
        return tuple(c for c in self.clauses if len(c) > 1)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word looked for, once, in order: what a snippet marks."""
        seen: dict[str, None] = {}
        for clause in self.clauses:
            for phrase in clause:
                for word in phrase:
                    if word not in STOP_WORDS:
                        seen.setdefault(word)
        return tuple(seen)

    def __str__(self) -> str:
        """The query as the parser understood it, in its own syntax."""

        def show(phrase: Phrase) -> str:
            return phrase[0] if len(phrase) == 1 else '"' + " ".join(phrase) + '"'

        parts = [" OR ".join(show(p) for p in clause) for clause in self.clauses]
        parts += ["-" + show(p) for p in self.excluded]
        return " ".join(parts)


def fold(text: str) -> str:
    """Lower case without accents, as both engines compare words: "Erdoğan" is "erdogan",
    "Łódź" "lodz", "Straße" "strasse"."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLD_TABLE))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def clean(text: str) -> str:
    """NFKC text without control or format characters (NUL, bidi marks, zero widths)."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for c in text:
        kind = unicodedata.category(c)
        if c.isspace() or kind in ("Cc", "Cs", "Co", "Cn"):
            out.append(" ")  # NUL and other controls separate words
        elif kind != "Cf":  # format marks (RTL, zero widths) are invisible: dropped
            out.append(c)
    return "".join(out)


def _words(chunk: str) -> list[Phrase]:
    """A chunk of plain text as phrases: parts joined only by joiners make one phrase
    (al-Qaeda), anything else separates words (title:x)."""
    out: list[Phrase] = []
    current: list[str] = []
    end = 0
    for match in _WORD.finditer(chunk):
        between = chunk[end : match.start()]
        joined = bool(between) and all(c in _JOINERS for c in between)
        if current and joined and between in "'’" and match.group().lower() == "s":  # noqa: RUF001
            end = match.end()
            continue  # Erdoğan's is Erdoğan
        if current and not joined:
            out.append(tuple(current))
            current = []
        current.append(match.group().lower()[:MAX_WORD_CHARS])
        end = match.end()
    if current:
        out.append(tuple(current))
    return out


@dataclass
class _Item:
    phrase: Phrase
    negated: bool
    is_or: bool = False  # the operator between two items, not an item


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    chunks = list(_CHUNK.finditer(text))
    negate_next = False  # the previous chunk was a NOT that applies to this one
    for index, match in enumerate(chunks):
        dashes, quoted, bare = match.groups()
        negated, negate_next = negate_next, False
        if bare is None:  # a quoted phrase (its closing quote may be missing)
            words = tuple(w for p in _words(quoted) for w in p)
            if words:
                items.append(_Item(words, negated=negated or bool(dashes)))
            continue
        if bare == "OR":
            items.append(_Item((), negated=False, is_or=True))
            continue
        has_next = index + 1 < len(chunks)
        following = chunks[index + 1].group(3) if has_next else None  # a quoted phrase: None
        if bare == "NOT" and has_next and following not in ("OR", "NOT"):
            # Before a word or a phrase; at the end, or before an operator, it is the word.
            negate_next = True
            continue
        negated = negated or bare.startswith("-")
        for phrase in _words(bare.lstrip("-")):
            items.append(_Item(phrase, negated=negated))
    return items


def parse(q: str) -> Query:
    """The query a reader typed; never raises."""
    if not isinstance(q, str):
        return Query()
    text = clean(q)
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    items = _items(text)

    # Words over the cap are left out, from the end.
    budget, kept = MAX_WORDS, []
    for item in items:
        if item.is_or:
            kept.append(item)
            continue
        if len(item.phrase) > budget:
            truncated = True
            break
        budget -= len(item.phrase)
        kept.append(item)

    clauses: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    dropped: list[str] = []
    joining = False  # the previous item was an OR that can join
    for index, item in enumerate(kept):
        if item.is_or:
            previous_ok = bool(clauses) and index > 0 and not kept[index - 1].negated
            previous_ok = previous_ok and not kept[index - 1].is_or
            following = kept[index + 1] if index + 1 < len(kept) else None
            following_ok = following is not None and not following.is_or and not following.negated
            joining = previous_ok and following_ok
            continue
        phrase = item.phrase
        if len(phrase) == 1 and phrase[0] in STOP_WORDS:
            dropped.append(phrase[0])
            joining = False
            continue
        if all(word in STOP_WORDS for word in phrase):
            dropped.extend(phrase)
            joining = False
            continue
        if item.negated:
            excluded.append(phrase)
        elif joining:
            if phrase not in clauses[-1]:
                clauses[-1].append(phrase)
        else:
            clauses.append([phrase])
        joining = False

    unique: list[tuple[Phrase, ...]] = []
    for clause in clauses:
        as_tuple = tuple(clause)
        if as_tuple not in unique:
            unique.append(as_tuple)
    problem = None
    if not unique and excluded:
        problem = "only_excluded"
    elif not unique and dropped:
        problem = "only_common_words"
    return Query(
        clauses=tuple(unique),
        excluded=tuple(dict.fromkeys(excluded)),
        dropped=tuple(dict.fromkeys(dropped)),
        truncated=truncated,
        problem=problem,
    )
