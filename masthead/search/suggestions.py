"""What a search that found nothing offers instead: the same search without each filter, with
every filter dropped, with the quotes taken off, and with one word fewer. Links, never results:
the reader chooses, and each link is a search like any other (cached, checked)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .filters import FILTERS, SearchRequest

FEWER_WORDS_UP_TO = 4  # with more words, one fewer is rarely the one that was wrong


@dataclass(frozen=True)
class Suggestion:
    text: str  # what the link says
    url: str
    query: str = ""  # the words it would search for, shown apart (they are the reader's)


def for_no_results(wanted: SearchRequest) -> list[Suggestion]:
    found: list[Suggestion] = []
    chips = wanted.chips()
    for chip in chips:
        found.append(
            Suggestion(
                _("Search without the filter %(label)s: %(value)s")
                % {"label": chip.label, "value": chip.value},
                chip.remove_url,
            )
        )
    if len(chips) > 1:
        found.append(
            Suggestion(_("Search every story"), wanted.url(**dict.fromkeys(FILTERS, None)))
        )
    words = wanted.q.split()
    if '"' in wanted.q:
        unquoted = " ".join(wanted.q.replace('"', " ").split())
        found.append(
            Suggestion(_("Search for the words in any order:"), wanted.url(q=unquoted), unquoted)
        )
    elif 1 < len(words) <= FEWER_WORDS_UP_TO:
        for index in range(len(words)):
            fewer = " ".join(words[:index] + words[index + 1 :])
            found.append(Suggestion(_("Search for fewer words:"), wanted.url(q=fewer), fewer))
    return found
