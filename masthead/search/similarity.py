"""How much two news texts are about the same story: a score from 0 (unrelated) to 1 (the same).

Every statistic comes from the texts being compared, never from a table shipped with the code:
the batch given to ``masthead similarity``, or, inside a site, its own stories. The score is
built in two steps (docs/decisions/0013-story-similarity.md says why and what was measured):

1. **Weighted word vectors.** Words are folded (case, accents), stemmed (Snowball English) and
   stripped of function words; each word weighs ``(1 + log tf) * idf``, with idf from the batch.
   What identifies a news event weighs more: capitalised words inside a sentence (people,
   places, organisations) and the words of the lead, where a story says what happened. The
   cosine of two such vectors is the first-order similarity.
2. **Second order.** Two stories are also alike when they are alike to the same other stories
   of the batch (a story about the Taliban and one about al-Qaeda share few words, but both
   share many with the batch's stories on Afghanistan). The score is the cosine between the
   two texts' rows of first-order similarities to every text of the batch, the text itself and
   its partner included. Non-negative rows make it a number in [0, 1]; identical texts have
   identical rows, so they score exactly 1; texts that share no word, directly or through
   other texts, score 0.

Identical texts are one text for the statistics (a story given twice must not halve the idf of
its words), and a pair of identical texts scores 1 even when it has no word at all.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import Stemmer

ENTITY_WEIGHT = 2.0  # a name, a place or an organisation says more about the event than a verb
LEAD_WORDS = 20  # the first sentence or so of a story (in content words): who, what, where
LEAD_WEIGHT = 2.0  # the lead names the event; what follows adds background shared by many
MIN_LETTERS = 2  # a lone digit or letter (a score's 5-2, an initial) names nothing
ROWS_AT_ONCE = 2048  # first-order rows held at once: 2,048 x (texts in the batch) floats at most
# Texts whose terms a process keeps (a few tens of KB each): a worker computing related stories
# meets the same recent stories in batch after batch.
TOKENISED_KEPT = 512

# Function words carry no subject: Snowball's English list with its contractions, and eight
# more modal and filler words (also, just, may, might, must, shall, us, yet); nothing specific
# to news or to any corpus.
_STOP_WORDS = """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having
    he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've
    if in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off
    on once only or other ought our ours ourselves out over own same shan't she she'd she'll
    she's should shouldn't so some such than that that's the their theirs them themselves then
    there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
    where where's which while who who's whom why why's will with won't would wouldn't you you'd
    you'll you're you've your yours yourself yourselves also just may might must shall us yet
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# A dotted acronym (U.S., U.N.), a word with its inner apostrophes (O'Brien, don't), or a
# number with its separators (1,000; 2.5). Hyphens split words: "al-Qaeda" is "al" and "Qaeda".
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?:;\n]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_stemmer = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Weighting:
    """The knobs, as one value: the defaults are what was chosen; bench/similarity.py compares
    the others on held-out halves of the corpora."""

    entity: float = ENTITY_WEIGHT
    lead_words: int = LEAD_WORDS
    lead: float = LEAD_WEIGHT
    second_order: bool = True


DEFAULT = Weighting()


class Token(NamedTuple):  # a tuple: a batch makes hundreds of thousands
    term: str
    entity: bool  # capitalised inside a sentence
    lead: bool


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    """The index term of a word as written, or None for a function word."""
    if word[0].isdigit():
        number = word.replace(",", "")
        return number if len(number) >= MIN_LETTERS else None
    if "." in word:  # a dotted acronym: "U.S." and "US" are one term, never the pronoun
        return word.replace(".", "").upper()
    if len(word) == 2 and word.isupper() and word.lower() in STOP_WORDS:
        return word  # "US", "IT": all capitals make a name of a function word
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch)
    )
    if folded.endswith("'s"):
        folded = folded[:-2]
    if folded in STOP_WORDS or len(folded) < MIN_LETTERS:
        return None
    return str(_stemmer.stemWord(folded))


def tokens(text: str, *, lead_words: int = LEAD_WORDS) -> list[Token]:
    """The index terms of ``text`` in order, each marked as a name and as part of the lead."""
    return list(_tokens(text, lead_words))


@lru_cache(maxsize=TOKENISED_KEPT)
def _tokens(text: str, lead_words: int) -> tuple[Token, ...]:
    if "\u2019" in text or "\u2018" in text or "\u02bc" in text:
        text = text.translate(_APOSTROPHES)
    found: list[Token] = []
    search = _SENTENCE_END.search
    end = -1  # before the first word: a sentence starts there
    for match in _WORD.finditer(text):
        word = match.group()
        start = match.start()
        # Words are mostly one space apart, and a space ends no sentence.
        starts_sentence = end < 0 or (
            (start - end > 1 or text[end] != " ") and search(text, end, start) is not None
        )
        end = match.end()
        term = _term(word)
        if term is None:
            continue
        entity = word[0].isupper() and not starts_sentence
        found.append(Token(term, entity, len(found) < lead_words))
    return tuple(found)


def vectors(texts: Sequence[str], weighting: Weighting = DEFAULT) -> sp.csr_matrix:
    """One L2-normalised row per text (a text without terms gets a row of zeros)."""
    documents = [tokens(text, lead_words=weighting.lead_words) for text in texts]
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update({token.term for token in document})
    count = len(documents)
    column = {term: index for index, term in enumerate(frequency)}
    idf = {term: math.log((count + 1) / (df + 1)) + 1 for term, df in frequency.items()}
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, document in enumerate(documents):
        seen: Counter[str] = Counter()
        named: Counter[str] = Counter()
        in_lead: set[str] = set()
        for token in document:
            seen[token.term] += 1
            if token.entity:
                named[token.term] += 1
            if token.lead:
                in_lead.add(token.term)
        for term, tf in seen.items():
            weight = (1 + math.log(tf)) * idf[term]
            weight *= 1 + (weighting.entity - 1) * named[term] / tf
            if term in in_lead:
                weight *= weighting.lead
            rows.append(row)
            columns.append(column[term])
            values.append(weight)
    matrix = sp.csr_matrix((values, (rows, columns)), shape=(count, len(column)), dtype=np.float64)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1 / norms) @ matrix)


class Batch:
    """The texts compared together, and the similarity of any two of them.

    Identical texts are kept once: ``index`` maps each distinct text to its row. First-order
    rows are computed ROWS_AT_ONCE at a time, so memory grows with the batch, not its square."""

    def __init__(self, texts: Sequence[str], weighting: Weighting = DEFAULT) -> None:
        self.index: dict[str, int] = {}
        for text in texts:
            self.index.setdefault(text, len(self.index))
        self.weighting = weighting
        self.vectors = vectors(list(self.index), weighting)
        count = len(self.index)
        self.row_norms = np.zeros(count)
        if weighting.second_order:
            for start in range(0, count, ROWS_AT_ONCE):
                block = self._first(np.arange(start, min(start + ROWS_AT_ONCE, count)))
                self.row_norms[start : start + ROWS_AT_ONCE] = np.sqrt(_row_sums(block, block))

    def _first(self, rows: np.ndarray) -> sp.csr_matrix:
        """The first-order similarities of the given texts to every text of the batch."""
        block = sp.csr_matrix(self.vectors[rows] @ self.vectors.T)
        np.clip(block.data, 0.0, 1.0, out=block.data)
        return block

    def scores(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """The score of each pair (rows_a[k], rows_b[k]) of row numbers, in [0, 1]."""
        result = np.empty(len(rows_a))
        step = ROWS_AT_ONCE // 2  # two blocks of rows at once
        for start in range(0, len(rows_a), step):
            a, b = rows_a[start : start + step], rows_b[start : start + step]
            if self.weighting.second_order:
                dots = _row_sums(self._first(a), self._first(b))
                norms = self.row_norms[a] * self.row_norms[b]
            else:
                dots = _row_sums(self.vectors[a], self.vectors[b])
                norms = np.ones_like(dots)
            with np.errstate(invalid="ignore", divide="ignore"):
                result[start : start + step] = np.where(norms > 0, dots / norms, 0.0)
        return np.where(rows_a == rows_b, 1.0, np.clip(result, 0.0, 1.0))

    def matrix(self) -> np.ndarray:
        """Every distinct text against every other, in the order of ``index``."""
        rows = np.arange(len(self.index))
        if self.weighting.second_order:
            first = self._first(rows)
            with np.errstate(invalid="ignore", divide="ignore"):
                norms = np.outer(self.row_norms, self.row_norms)
                result = np.where(norms > 0, (first @ first.T).toarray() / norms, 0.0)
        else:
            result = (self.vectors @ self.vectors.T).toarray()
        result = np.clip(result, 0.0, 1.0)
        np.fill_diagonal(result, 1.0)
        return result


def _row_sums(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """The dot product of each row of ``a`` with the same row of ``b``."""
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


def pair_scores(pairs: Sequence[tuple[str, str]], weighting: Weighting = DEFAULT) -> list[float]:
    """The score of each pair of texts, with the statistics of all the pairs' texts together."""
    batch = Batch([text for pair in pairs for text in pair], weighting)
    rows_a = np.array([batch.index[a] for a, _ in pairs], dtype=np.int64)
    rows_b = np.array([batch.index[b] for _, b in pairs], dtype=np.int64)
    return [float(score) for score in batch.scores(rows_a, rows_b)]
