"""The readers' query language, parsed without a database."""

from __future__ import annotations

import pytest

from masthead.search.query import MAX_QUERY_CHARS, MAX_WORDS, Query, fold, parse


def test_words_mean_all_of_them() -> None:
    query = parse("Water  prices")
    assert query.clauses == ((("water",),), (("prices",),))
    assert query.terms == ("water", "prices")
    assert str(query) == "water prices"


def test_a_quoted_phrase_keeps_its_words_in_order() -> None:
    query = parse('"supply chain" ports')
    assert query.phrases == (("supply", "chain"),)
    assert query.terms == ("ports",)
    assert str(query) == '"supply chain" ports'


def test_a_phrase_without_its_closing_quote_runs_to_the_end() -> None:
    assert parse('"supply chain crisis').phrases == (("supply", "chain", "crisis"),)


def test_minus_excludes_a_word_or_a_phrase() -> None:
    query = parse('ferry -strike -"night bus"')
    assert query.terms == ("ferry",)
    assert query.excluded == (("strike",), ("night", "bus"))
    assert str(query) == 'ferry -strike -"night bus"'


def test_not_in_capitals_excludes_the_next_word_or_phrase_like_minus() -> None:
    query = parse('ferry NOT strike NOT "night bus"')
    assert query.terms == ("ferry",)
    assert query.excluded == (("strike",), ("night", "bus"))
    assert str(query) == 'ferry -strike -"night bus"'
    assert str(parse("ferry NOT -bus")) == "ferry -bus"
    assert str(parse("ferry OR NOT bus")) == "ferry -bus"  # an exclusion is no alternative
    assert parse("NOT ferry").problem == "only_excluded"


@pytest.mark.parametrize(
    ("q", "understood"),
    [
        ("ferry not strike", "ferry strike"),  # lower case is the word, and a function word
        ("ferry Not strike", "ferry strike"),
        ("ferry NOT", "ferry"),  # nothing after it: the word
        ("ferry NOT OR bus", "ferry OR bus"),  # before an operator: the word
        ("ferry NOT NOT bus", "ferry -bus"),  # the first is the word, the second excludes
    ],
)
def test_not_in_lower_case_or_without_a_word_after_it_is_the_word(q: str, understood: str) -> None:
    assert str(parse(q)) == understood


def test_or_joins_words_and_phrases_into_one_clause() -> None:
    query = parse('copper OR lithium OR "rare earths" mine')
    assert query.or_groups == ((("copper",), ("lithium",), ("rare", "earths")),)
    assert query.terms == ("mine",)
    assert str(query) == 'copper OR lithium OR "rare earths" mine'


@pytest.mark.parametrize(
    ("q", "understood"),
    [
        ("or", ""),  # lower case is the word, and a function word
        ("OR ferry", "ferry"),  # nothing before it
        ("ferry OR", "ferry"),  # nothing after it
        ("ferry OR OR bus", "ferry bus"),
        ("ferry OR -bus", "ferry -bus"),  # an exclusion cannot be an alternative
    ],
)
def test_an_or_without_two_sides_joins_nothing(q: str, understood: str) -> None:
    assert str(parse(q)) == understood


@pytest.mark.parametrize(
    ("q", "phrase"),
    [
        ("al-Qaeda", ("al", "qaeda")),
        ("U.S.", ("u", "s")),
        ("nytimes.com", ("nytimes", "com")),
        ("9/11", ("9", "11")),
        ("Erdoğan's", ("erdoğan",)),  # the possessive is the name
        ("Erdoğan’s", ("erdoğan",)),  # noqa: RUF001 - with a typographic apostrophe
    ],
)
def test_a_word_joined_by_hyphens_dots_or_apostrophes_is_the_phrase_of_its_parts(
    q: str, phrase: tuple[str, ...]
) -> None:
    assert parse(q).clauses == ((phrase,),)


@pytest.mark.parametrize(
    ("q", "understood"),
    [
        ("title:ferry", "title ferry"),
        ("NEAR(ferry bus)", "near ferry bus"),
        ("ferry*", "ferry"),
        ("*", ""),
        ('"', ""),
        ('""', ""),
        ("-", ""),
        ("(ferry AND bus)", "ferry bus"),  # AND is the word "and": a function word
        ("ferry^2 bus~", "ferry 2 bus"),
        ("col:umn {x} [y]", "col umn x y"),
    ],
)
def test_what_is_not_understood_is_plain_words(q: str, understood: str) -> None:
    assert str(parse(q)) == understood


def test_function_words_are_dropped_outside_phrases_and_kept_inside() -> None:
    query = parse('the bank of "bank of england"')
    assert query.terms == ("bank",)
    assert query.phrases == (("bank", "of", "england"),)
    assert query.dropped == ("the", "of")
    assert query.words == ("bank", "england")  # what a snippet marks


def test_a_query_of_function_words_only_cannot_be_run() -> None:
    query = parse("to be or not to be")
    assert query.problem == "only_common_words"
    assert not query.clauses


def test_a_query_of_exclusions_only_cannot_be_run() -> None:
    assert parse("-ferry -bus").problem == "only_excluded"


def test_an_empty_query_is_empty_not_a_problem() -> None:
    for q in ("", "   ", "\u200f", "\x00"):
        query = parse(q)
        assert query.is_empty and query.problem is None


def test_control_and_format_characters_are_never_part_of_a_word() -> None:
    assert str(parse("fer\x00ry")) == "fer ry"  # NUL separates
    assert str(parse("ferry\u200f \u202ebus\u202c")) == "ferry bus"  # bidi marks vanish
    assert str(parse("ﬁsh ＦＥＲＲＹ")) == "fish ferry"  # NFKC: ligatures, full width  # noqa: RUF001 - full-width letters are the point


def test_long_input_is_cut_not_refused() -> None:
    query = parse("ferry " * 5000)
    assert query.truncated
    assert query.clauses == ((("ferry",),),)
    many = parse(" ".join(f"word{n}" for n in range(100)))
    assert many.truncated and len(many.clauses) == MAX_WORDS
    assert len(str(parse("x" * 10_000))) <= MAX_QUERY_CHARS


def test_the_same_clause_twice_is_asked_once() -> None:
    assert str(parse("ferry ferry FERRY -bus -bus")) == "ferry -bus"


def test_parse_takes_only_text() -> None:
    assert parse(None) == Query()  # type: ignore[arg-type]


def test_folding_agrees_with_both_engines() -> None:
    assert fold("Erdoğan") == "erdogan"
    assert fold("Łódź") == "lodz"
    assert fold("Straße") == "strasse"
    assert fold("Søren Ærø") == "soren aero"
    assert fold("İstanbul") == "istanbul"
