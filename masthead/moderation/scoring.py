"""Scores for how likely a comment is spam or abuse, from 0 (fine) to 1 (certainly).

``MASTHEAD_COMMENT_SCORER`` names the scorer (a class with ``score(text, *, author)``); the
built-in one is a handful of heuristics that make no network call. A channel's rules decide
what a score means: at ``score_queue_at`` the comment waits for review, at
``score_refuse_at`` it is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import words

LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|ru|xyz|top|biz|info|click|shop)\b", re.I)
SPAM_PHRASES = (
    "buy now",
    "click here",
    "limited offer",
    "work from home",
    "earn money",
    "make money fast",
    "casino",
    "crypto giveaway",
    "free followers",
    "cheap pills",
    "viagra",
    "dm me on telegram",
    "whatsapp me",
    "check my profile",
    "visit my site",
)
NEW_ACCOUNT_HOURS = 24


@dataclass
class Score:
    value: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, amount: float, reason: str) -> None:
        self.value = min(1.0, self.value + amount)
        self.reasons.append(reason)


class Scorer(Protocol):
    def score(self, text: str, *, author: Any) -> Score: ...


class HeuristicScorer:
    """Links, repetition, shouting, known spam phrases and a brand-new account, added up."""

    spam_phrases = tuple(words.normal(phrase) for phrase in SPAM_PHRASES)

    def score(self, text: str, *, author: Any) -> Score:
        result = Score()
        links = len(LINK.findall(text))
        if links >= 3:
            result.add(0.5, _("many links"))
        elif links:
            result.add(0.15 * links, _("a link"))
        found = words.words(text)
        if len(found) >= 8:
            distinct = len(set(found)) / len(found)
            if distinct < 0.3:
                result.add(0.4, _("the same words over and over"))
        if re.search(r"(.)\1{9,}", text):
            result.add(0.2, _("a character repeated"))
        letters = [ch for ch in text if ch.isalpha()]
        if len(letters) >= 20 and sum(ch.isupper() for ch in letters) / len(letters) > 0.7:
            result.add(0.3, _("shouting"))
        phrase = words.find(text, self.spam_phrases, found=found)
        if phrase:
            result.add(0.5, _("a known spam phrase"))
        joined = getattr(author, "date_joined", None)
        new = joined is not None and timezone.now() - joined < dt.timedelta(hours=NEW_ACCOUNT_HOURS)
        if new and result.value:  # a new account makes other signs weigh more, not alone
            result.add(0.15, _("a new account"))
        return result


@cache
def scorer() -> Scorer:
    return import_string(settings.MASTHEAD_COMMENT_SCORER)()
