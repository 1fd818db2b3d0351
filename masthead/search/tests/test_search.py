"""search(): every query form, filter and sort, snippets, pages, on the engine of the run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.search.index import index_pending
from masthead.search.selectors import MAX_COUNTED, search
from masthead.stories.models import Story
from masthead.stories.tests.factories import SourceFactory, StoryFactory

pytestmark = pytest.mark.django_db


def ids(results: Any) -> list[int]:
    assert results.error is None, results.error
    return [hit.story.pk for hit in results.hits]


@pytest.fixture
def desk(section: Any) -> dict[str, Any]:
    """A few stories in two channels, indexed."""
    other = SectionFactory(
        channel=ChannelFactory(slug="citydesk", name="City Desk"),
        slug="transport",
        name="Transport",
    )
    courier = SourceFactory(name="The Pacific Courier", domain="courier.example")
    day = timezone.now() - dt.timedelta(days=3)
    stories = {
        "ferry": StoryFactory(
            section=section,
            headline="First ferry in three decades links the rival shores",
            excerpt="A ferry sails between the two shores again.",
            body="<p>The ferry crossing reopened on Monday after the supply chain recovered.</p>",
            byline="Ilse Marten",
            kind=Story.Kind.CURATED,
            source=courier,
            original_url="https://courier.example/ferry",
            published_at=day,
        ),
        "missile": StoryFactory(
            section=section,
            headline="Missile tests near the strait alarm fishermen",
            body="<p>Erdoğan said the missiles were a warning. Fishermen stayed in port.</p>",
            byline="Tomas Ruiz",
            published_at=day - dt.timedelta(days=1),
        ),
        "bus": StoryFactory(
            section=other,
            headline="Night bus map redrawn around shift workers",
            body="<p>The chain of night buses now reaches the ferry terminal in Łódź.</p>",
            byline="Ada Lindqvist",
            published_at=day - dt.timedelta(days=2),
        ),
        "tram": StoryFactory(
            section=other,
            headline="Tram extension slips a year",
            body="<p>Old pipes under the Straße delayed the tram. Supply problems too.</p>",
            byline="Noor Haddad",
            published_at=day - dt.timedelta(days=40),
        ),
    }
    index_pending()
    return stories


def test_several_words_mean_all_of_them(desk: dict[str, Any]) -> None:
    assert ids(search(q="ferry shores")) == [desk["ferry"].pk]
    assert set(ids(search(q="ferry"))) == {desk["ferry"].pk, desk["bus"].pk}


def test_the_headline_outranks_the_body(desk: dict[str, Any]) -> None:
    assert ids(search(q="ferry"))[0] == desk["ferry"].pk  # in its headline, not just the body


def test_words_are_stemmed_and_accents_folded(desk: dict[str, Any]) -> None:
    assert ids(search(q="missiles")) == [desk["missile"].pk]
    assert ids(search(q="missile warnings")) == [desk["missile"].pk]
    assert ids(search(q="Erdogan")) == [desk["missile"].pk]
    assert ids(search(q="ERDOĞAN")) == [desk["missile"].pk]
    assert ids(search(q="Lodz")) == [desk["bus"].pk]
    assert ids(search(q="strasse")) == [desk["tram"].pk]
    assert ids(search(q="Straße")) == [desk["tram"].pk]


def test_a_phrase_needs_its_words_together_and_in_order(desk: dict[str, Any]) -> None:
    assert ids(search(q='"supply chain"')) == [desk["ferry"].pk]
    assert ids(search(q='"chain supply"')) == []
    assert set(ids(search(q="supply chain"))) == {desk["ferry"].pk}  # tram has supply only


def test_minus_leaves_out(desk: dict[str, Any]) -> None:
    assert ids(search(q="ferry -bus")) == [desk["ferry"].pk]
    assert ids(search(q='ferry -"rival shores"')) == [desk["bus"].pk]


def test_or_finds_either(desk: dict[str, Any]) -> None:
    assert set(ids(search(q="tram OR missile"))) == {desk["tram"].pk, desk["missile"].pk}
    assert ids(search(q="tram OR missile -fishermen")) == [desk["tram"].pk]
    assert set(ids(search(q='"night bus" OR "supply chain"'))) == {
        desk["bus"].pk,
        desk["ferry"].pk,
    }


def test_names_find_stories_byline_source_section_and_channel(desk: dict[str, Any]) -> None:
    assert ids(search(q="Lindqvist")) == [desk["bus"].pk]
    assert ids(search(q="pacific courier")) == [desk["ferry"].pk]
    assert ids(search(q="courier.example")) == [desk["ferry"].pk]
    assert set(ids(search(q="transport"))) == {desk["bus"].pk, desk["tram"].pk}
    assert set(ids(search(q='"city desk"'))) == {desk["bus"].pk, desk["tram"].pk}


def test_junk_and_syntax_of_other_engines_are_words(desk: dict[str, Any]) -> None:
    assert ids(search(q="headline:ferry shores")) == []  # "headline" is a word, in no story
    assert ids(search(q="ferry* shores~ ^ +")) == [desk["ferry"].pk]
    assert ids(search(q="NEAR(tram extension)")) == []
    assert ids(search(q="(tram) {extension}")) == [desk["tram"].pk]


def test_a_query_that_cannot_be_run_says_why(desk: dict[str, Any]) -> None:
    for q in ("-ferry", "the of and"):
        results = search(q=q)
        assert results.error and results.hits == [] and results.total == 0
    assert "only words to leave out" in (search(q="-ferry").error or "")


def test_an_empty_query_finds_nothing_without_an_error(desk: dict[str, Any]) -> None:
    for q in ("", "   ", '"', "*"):
        results = search(q=q)
        assert (results.error, results.total, results.hits, results.pages) == (None, 0, [], 0)


def test_filter_by_channel_section_source_kind(desk: dict[str, Any]) -> None:
    assert ids(search(q="ferry", channel="citydesk")) == [desk["bus"].pk]
    assert ids(search(q="ferry", channel="CityDesk ")) == [desk["bus"].pk]
    assert ids(search(q="ferry", section="citydesk/transport")) == [desk["bus"].pk]
    assert ids(search(q="ferry", section="transport", channel="citydesk")) == [desk["bus"].pk]
    assert ids(search(q="ferry", section="transport")) == [desk["bus"].pk]  # in any channel
    assert ids(search(q="ferry", section="politics", channel="citydesk")) == []
    assert ids(search(q="ferry", source="courier.example")) == [desk["ferry"].pk]
    assert ids(search(q="ferry", source="https://www.courier.example/x")) == [desk["ferry"].pk]
    assert ids(search(q="ferry", kind="curated")) == [desk["ferry"].pk]
    assert ids(search(q="ferry", kind="original")) == [desk["bus"].pk]
    assert ids(search(q="ferry", channel="nosuchchannel")) == []


def test_a_filter_that_cannot_be_read_says_why(desk: dict[str, Any]) -> None:
    for kwargs in (
        {"kind": "opinion"},
        {"channel": "no such/thing"},
        {"section": "globallead/transport", "channel": "citydesk"},
        {"source": "<script>"},
        {"date_from": dt.date(2030, 1, 2), "date_to": dt.date(2030, 1, 1)},
        {"sort": "oldest"},
    ):
        results = search(q="ferry", **kwargs)
        assert results.error and results.hits == [], kwargs


def test_filter_by_dates_inclusive(desk: dict[str, Any]) -> None:
    bus_day = timezone.localdate(desk["bus"].published_at)
    assert ids(search(q="ferry", date_from=bus_day, date_to=bus_day)) == [desk["bus"].pk]
    assert ids(search(q="ferry", date_from=bus_day + dt.timedelta(days=1))) == [desk["ferry"].pk]
    assert ids(search(q="ferry", date_to=bus_day - dt.timedelta(days=1))) == []


def test_sort_newest_first(desk: dict[str, Any]) -> None:
    newest = ids(search(q="supply OR ferry OR missile", sort="newest"))
    assert newest == [desk["ferry"].pk, desk["missile"].pk, desk["bus"].pk, desk["tram"].pk]


def test_snippets_mark_the_words_found(desk: dict[str, Any]) -> None:
    hit = search(q="missiles fishermen").hits[0]
    assert "<mark>missiles</mark>" in hit.snippet
    assert "<mark>Fishermen</mark>" in hit.snippet
    hit = search(q="erdogan").hits[0]
    assert "<mark>Erdoğan</mark>" in hit.snippet


def test_snippets_escape_the_story_text_before_marking(section: Any) -> None:
    story = StoryFactory(
        section=section,
        headline="Markup in a story",
        # The sanitizer keeps text, not tags: what was typed as code comes back as text.
        body="<p>Type &lt;script&gt;alert(1)&lt;/script&gt; and &lt;mark&gt;ferry&lt;/mark&gt; "
        "&amp; the <b>ferry</b> &quot;sails&quot;.</p>",
        excerpt="<img src=x onerror=alert(1)> ferry",
    )
    index_pending()
    hit = search(q="ferry").hits[0]
    assert hit.story.pk == story.pk
    html = str(hit.snippet)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>ferry</mark>" in html
    assert "&lt;mark&gt;<mark>ferry</mark>&lt;/mark&gt;" in html
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_pages_of_results(section: Any) -> None:
    now = timezone.now()
    made = [
        StoryFactory(
            section=section,
            headline=f"Harbour report {n}",
            published_at=now - dt.timedelta(hours=n + 1),
        )
        for n in range(45)
    ]
    index_pending()
    first = search(q="harbour", sort="newest")
    assert (first.total, first.pages, first.page, len(first.hits)) == (45, 3, 1, 20)
    third = search(q="harbour", sort="newest", page=3)
    assert [h.story.pk for h in third.hits] == [s.pk for s in made[40:]]
    assert search(q="harbour", page=99).page == 3  # clamped
    assert search(q="harbour", page=-4).page == 1
    small = search(q="harbour", per_page=10, page=2, sort="newest")
    assert [h.story.pk for h in small.hits] == [s.pk for s in made[10:20]]
    everything = [h.story.pk for p in (1, 2, 3) for h in search(q="harbour", page=p).hits]
    assert sorted(everything) == sorted(s.pk for s in made)  # relevance pages do not overlap


def test_counts_stop_at_the_cap(section: Any, settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("masthead.search.selectors.MAX_COUNTED", 5)
    for _n in range(7):
        StoryFactory(section=section, headline="Harbour news")
    index_pending()
    results = search(q="harbour", per_page=2)
    assert (results.total, results.more, results.pages) == (5, True, 3)
    assert MAX_COUNTED >= 500


@pytest.mark.parametrize("regime", ["too many matches", "words too common to rank"])
def test_past_what_is_cheap_to_rank_the_newest_matches_are_ranked(
    section: Any, monkeypatch: Any, regime: str
) -> None:
    """The bounded regime: candidates are the newest matches; the headline still counts most,
    then the excerpt; the pages are the candidates'."""
    if regime == "too many matches":
        monkeypatch.setattr("masthead.search.selectors.MAX_COUNTED", 6)
    else:
        monkeypatch.setattr("masthead.search.engines.sqlite.EXACT_MATCHES", 0)
        monkeypatch.setattr("masthead.search.engines.postgres.EXACT_MATCHES", 0)
    old = StoryFactory(section=section, headline="Harbour pilots strike")  # oldest: left out
    in_body = [
        StoryFactory(section=section, headline=f"Report {n}", body="<p>The harbour again.</p>")
        for n in range(4)
    ]
    in_excerpt = StoryFactory(section=section, headline="Tides", excerpt="The harbour waits.")
    in_headline = StoryFactory(section=section, headline="Harbour reopens")
    newest_body = StoryFactory(section=section, headline="Later", body="<p>harbour</p>")
    index_pending()
    results = search(q="harbour", per_page=3)
    if regime == "too many matches":
        assert (results.total, results.more, results.pages) == (6, True, 2)
        candidates = [newest_body, in_headline, in_excerpt, *in_body[1:]]
        first = [in_headline.pk, in_excerpt.pk]
    else:
        assert (results.total, results.more, results.pages) == (8, False, 3)
        candidates = [newest_body, in_headline, in_excerpt, *in_body, old]
        first = [in_headline.pk, old.pk, in_excerpt.pk]  # headlines, the newer first
    assert [h.story.pk for h in results.hits][: len(first)] == first
    pages = range(1, results.pages + 1)
    every = [h.story.pk for p in pages for h in search(q="harbour", per_page=3, page=p).hits]
    assert sorted(every) == sorted(s.pk for s in candidates)
    newest = search(q="harbour", sort="newest", per_page=10)
    assert [h.story.pk for h in newest.hits][:2] == [newest_body.pk, in_headline.pk]


def test_only_what_readers_may_see_is_found(section: Any) -> None:
    now = timezone.now()
    live = StoryFactory(section=section, headline="Harbour live")
    StoryFactory(section=section, headline="Harbour draft", status=Story.Status.DRAFT)
    StoryFactory(
        section=section,
        headline="Harbour withdrawn",
        status=Story.Status.WITHDRAWN,
        withdrawn_reason="wrong",
    )
    due = StoryFactory(
        section=section,
        headline="Harbour scheduled",
        status=Story.Status.SCHEDULED,
        published_at=now + dt.timedelta(minutes=5),
    )
    index_pending()
    assert ids(search(q="harbour")) == [live.pk]
    # The scheduled story becomes public when its time passes, with no write at all.
    Story.objects.filter(pk=due.pk).update(published_at=now - dt.timedelta(seconds=1))
    assert set(ids(search(q="harbour"))) == {live.pk, due.pk}


def test_hits_come_with_what_a_result_shows_in_few_queries(
    desk: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    # Candidates with their count, the words' rarity, a page, the hits; and on PostgreSQL
    # the search's transaction and its planner setting.
    with django_assert_max_num_queries(7):
        results = search(q="ferry OR tram OR missile")
    assert results.hits
    for hit in results.hits:
        story = Story.objects.select_related("channel", "section").get(pk=hit.story.pk)
        assert hit.story.url == story.get_absolute_url()
        assert hit.story.channel_url == story.channel.get_absolute_url()
        assert hit.story.section_url == story.get_section_url()
        assert hit.story.section_name == story.section.name
        if hit.story.kind == Story.Kind.CURATED:
            assert hit.story.source_domain
    ranks = [hit.rank for hit in results.hits]
    assert ranks == sorted(ranks, reverse=True)
