"""The search page as a reader uses it: the header's form, results with highlighted snippets,
filters as chips that remove themselves, the order, pages of 20, no results with suggestions,
bad filters answered 400 with the reason, and never indexed.

Stories are made and published through the services, then indexed the way the services'
after-commit step indexes them (``index_pending``: these tests' transaction never commits;
test_page_cache.py runs the same pages with real commits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.channels.models import Channel, Section
from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.search.index import index_pending
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish

pytestmark = pytest.mark.django_db

SEARCH = "/search"
PER_PAGE = 20


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def query_of(href: str) -> dict[str, list[str]]:
    parts = urlsplit(href)
    assert parts.path == SEARCH, href
    return parse_qs(parts.query)


def results(page: BeautifulSoup) -> list[Tag]:
    return page.select("ol.search-results > li.search-result")


def headlines(page: BeautifulSoup) -> list[str]:
    return [item.select_one(".search-result__headline a").get_text() for item in results(page)]


def chips(page: BeautifulSoup) -> dict[str, Tag]:
    return {chip["data-filter"]: chip for chip in page.select(".search-chips a.chip")}


def error_text(page: BeautifulSoup) -> str:
    found = page.select_one(".form-errors")
    return found.get_text(" ", strip=True) if found else ""


@pytest.fixture
def publish() -> Any:
    def make(
        section: Section,
        headline: str,
        body: str,
        *,
        at: dt.datetime | None = None,
        **fields: Any,
    ) -> Story:
        story = story_create(
            actor=None,
            channel=section.channel,
            section=section,
            headline=headline,
            body=f"<p>{body}</p>",
            **fields,
        )
        story = story_publish(actor=None, story=story, at=at)
        index_pending()
        return story

    return make


@pytest.fixture
def newsroom(publish: Any) -> dict[str, Any]:
    """Two channels; ferry stories in both, one of them curated from the Ledger."""
    lead = ChannelFactory(slug="globallead", name="Global Lead")
    politics = SectionFactory(channel=lead, slug="politics", name="Politics")
    economy = SectionFactory(channel=lead, slug="economy", name="Economy")
    harbour = ChannelFactory(slug="harbour-times", name="Harbour Times")
    harbour_politics = SectionFactory(channel=harbour, slug="politics", name="Council")
    day = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    council = publish(
        politics,
        "Harbour council votes on the ferry plan",
        "The council approved the ferry timetable after a long debate about fares.",
        at=day,
    )
    strike = publish(
        economy,
        "Ferry strike ends after talks",
        "Crews return to the ferry routes on Monday, the union said.",
        at=day + dt.timedelta(days=3),
        kind=Story.Kind.CURATED,
        original_url="https://www.ledger.example/2026/03/ferry-strike",
        source_name="The Ledger",
    )
    local = publish(
        harbour_politics,
        "Ferry fares rise in the harbour",
        "Ticket prices for the ferry go up by a tenth from April.",
        at=day + dt.timedelta(days=10),
    )
    publish(politics, "Budget talks stall", "The finance committee adjourned without a vote.")
    return {
        "lead": lead,
        "politics": politics,
        "harbour": harbour,
        "council": council,
        "strike": strike,
        "local": local,
    }


def test_every_page_has_the_search_form_in_its_header(client: Client, newsroom: Any) -> None:
    for url in ("/", newsroom["lead"].get_absolute_url(), newsroom["council"].get_absolute_url()):
        form = soup(client.get(url)).select_one("header.site-header form[role=search]")
        assert form is not None, url
        assert form["action"] == SEARCH and form["method"] == "get"
        field = form.select_one("input[name=q]")
        label = form.select_one(f"label[for={field['id']}]")
        assert label is not None and label.get_text(strip=True)
        assert form.select_one("button[type=submit]") is not None


def test_the_error_pages_bare_header_has_the_search_form_too() -> None:
    from django.test import RequestFactory

    from masthead.core.views import server_error

    page = BeautifulSoup(server_error(RequestFactory().get("/")).content, "html.parser")
    assert page.select_one("header.site-header form[role=search] input[name=q]") is not None


def test_an_empty_search_is_a_prompt_not_an_error(client: Client) -> None:
    for url in (SEARCH, SEARCH + "?q=+++"):
        response = client.get(url)
        assert response.status_code == 200
        page = soup(response)
        assert page.select_one(".search-prompt") is not None
        assert not results(page) and not error_text(page)


@pytest.mark.parametrize(
    ("query", "cleaned"),
    [
        ("q=ferry&channel=&section=&kind=", "q=ferry"),  # the narrow form, left alone
        ("q=ferry&channel=globallead&kind=&from=&to=", "q=ferry&channel=globallead"),
        ("channel=&q=ferry&sort=newest&page=", "q=ferry&sort=newest"),  # order kept
        ("q=", ""),
        ("q=ferry&utm_source=", "q=ferry&utm_source="),  # not ours: left as it came
    ],
)
def test_empty_parameters_redirect_to_the_search_without_them(
    client: Client, newsroom: Any, query: str, cleaned: str
) -> None:
    response = client.get(f"{SEARCH}?{query}")
    if cleaned == query:
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response["Location"] == SEARCH + (f"?{cleaned}" if cleaned else "")
    assert client.get(response["Location"]).status_code == 200


def test_search_pages_are_never_indexed(client: Client, newsroom: Any) -> None:
    for url in (SEARCH, SEARCH + "?q=ferry", SEARCH + "?q=ferry&channel=nowhere"):
        response = client.get(url)
        assert response["X-Robots-Tag"] == "noindex"
        robots = soup(response).select_one('meta[name="robots"]')
        assert robots is not None and robots["content"] == "noindex"


def test_results_link_headlines_highlight_words_and_show_where_and_when(
    client: Client, newsroom: Any
) -> None:
    response = client.get(SEARCH, {"q": "ferry"})
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".search-summary").get_text(" ", strip=True) == "3 stories for ferry"
    assert sorted(headlines(page)) == sorted(
        story.headline for story in (newsroom["council"], newsroom["strike"], newsroom["local"])
    )
    by_headline = {
        item.select_one(".search-result__headline a").get_text(): item for item in results(page)
    }
    strike = by_headline[newsroom["strike"].headline]
    assert strike.select_one(".search-result__headline a")["href"] == (
        newsroom["strike"].get_absolute_url()
    )
    assert strike.select_one(".search-result__source").get_text(strip=True) == "From The Ledger"
    assert [mark.get_text().lower() for mark in strike.select(".search-result__snippet mark")]
    assert {mark.get_text().lower() for mark in page.select("mark")} == {"ferry"}
    meta = strike.select_one(".story-meta")
    assert [a.get_text() for a in meta.select("a")] == ["Global Lead", "Economy"]
    assert meta.select_one("time")["datetime"] == "2026-03-05T12:00:00+00:00"
    council = by_headline[newsroom["council"].headline]
    assert council.select_one(".search-result__source") is None  # an original story


def test_the_query_stays_in_the_header_field(client: Client, newsroom: Any) -> None:
    page = soup(client.get(SEARCH, {"q": 'ferry "council votes"'}))
    assert page.select_one("header form[role=search] input[name=q]")["value"] == (
        'ferry "council votes"'
    )


def test_a_channel_filter_is_a_chip_that_removes_itself(client: Client, newsroom: Any) -> None:
    page = soup(client.get(SEARCH, {"q": "ferry", "channel": "harbour-times", "sort": "newest"}))
    assert headlines(page) == [newsroom["local"].headline]
    chip = chips(page)["channel"]
    assert "Harbour Times" in chip.get_text()
    assert query_of(chip["href"]) == {"q": ["ferry"], "sort": ["newest"]}
    assert page.select_one("#refine-channel option[selected]")["value"] == "harbour-times"


@pytest.mark.parametrize(
    ("params", "expected", "chip_text"),
    [
        ({"section": "politics"}, {"council", "local"}, "Politics"),
        ({"channel": "globallead", "section": "politics"}, {"council"}, "Politics"),
        ({"source": "WWW.Ledger.Example"}, {"strike"}, "The Ledger"),
        ({"kind": "curated"}, {"strike"}, "Curated"),
        ({"kind": "original"}, {"council", "local"}, "Original"),
        ({"from": "2026-03-04"}, {"strike", "local"}, "March 4, 2026"),
        ({"to": "2026-03-05"}, {"council", "strike"}, "March 5, 2026"),
        ({"from": "2026-03-03", "to": "2026-03-06"}, {"strike"}, "March 3, 2026"),
    ],
)
def test_each_filter_narrows_and_shows_as_a_chip(
    client: Client, newsroom: Any, params: dict[str, str], expected: set[str], chip_text: str
) -> None:
    response = client.get(SEARCH, {"q": "ferry", **params})
    assert response.status_code == 200, error_text(soup(response))
    page = soup(response)
    assert set(headlines(page)) == {newsroom[name].headline for name in expected}
    shown = chips(page)
    assert set(shown) == set(params)
    assert chip_text in " ".join(chip.get_text() for chip in shown.values())
    for name, chip in shown.items():
        kept = {key: [value] for key, value in params.items() if key != name}
        assert query_of(chip["href"]) == {"q": ["ferry"], **kept}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"channel": "nowhere"}, "There is no channel “nowhere”."),
        ({"channel": "Not A Slug!"}, "There is no channel “Not A Slug!”."),
        ({"section": "nowhere"}, "There is no section “nowhere”."),
        (
            {"channel": "harbour-times", "section": "economy"},
            "There is no section “economy” in Harbour Times.",
        ),
        ({"source": "unknown.example"}, "No stories come from “unknown.example”."),
        ({"kind": "opinion"}, "A story's kind is “original” or “curated”."),
        ({"from": "yesterday"}, "“yesterday” is not a date"),
        ({"to": "2026-02-30"}, "“2026-02-30” is not a date"),
        ({"from": "0001-01-01"}, "“0001-01-01” is not a date"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "The end date comes before the start date."),
        ({"sort": "oldest"}, "Sort by “relevance” or “newest”."),
        ({"channel": "x" * 300}, "That filter is too long to name anything."),
    ],
)
def test_a_bad_filter_answers_400_with_the_reason_and_a_chip_to_remove_it(
    client: Client, newsroom: Any, params: dict[str, str], message: str
) -> None:
    response = client.get(SEARCH, {"q": "ferry", **params})
    assert response.status_code == 400
    page = soup(response)
    assert message in error_text(page)
    assert not results(page)
    shown = chips(page)
    assert set(shown) == set(params) - {"sort"}
    invalid = [name for name, chip in shown.items() if "chip--invalid" in chip["class"]]
    if "sort" in params:
        assert not invalid
    else:
        (name,) = invalid
        assert client.get(shown[name]["href"]).status_code == 200


def test_a_search_too_long_is_refused_with_a_message(client: Client, newsroom: Any) -> None:
    response = client.get(SEARCH, {"q": "ferry " * 1000})
    assert response.status_code == 400
    assert "too long" in error_text(soup(response))


def test_newest_first_and_the_sort_control(client: Client, newsroom: Any) -> None:
    page = soup(client.get(SEARCH, {"q": "ferry", "sort": "newest"}))
    assert headlines(page) == [newsroom[name].headline for name in ("local", "strike", "council")]
    sort = {a.get_text(strip=True): a for a in page.select(".search-sort a")}
    assert sort["Newest"].get("aria-current") == "page"
    assert query_of(sort["Most relevant"]["href"]) == {"q": ["ferry"]}
    relevance = soup(client.get(sort["Most relevant"]["href"]))
    assert relevance.select_one('.search-sort a[aria-current="page"]').get_text() == (
        "Most relevant"
    )


def test_results_come_in_pages_of_20_with_previous_and_next(
    client: Client, publish: Any, section: Section
) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    for number in range(PER_PAGE + 5):
        publish(
            section,
            f"Lighthouse keeper's log, day {number}",
            "The lighthouse lamp was lit at dusk.",
            at=start + dt.timedelta(hours=number),
        )
    first = soup(client.get(SEARCH, {"q": "lighthouse", "channel": section.channel.slug}))
    assert "25 stories" in first.select_one(".search-summary").get_text()
    assert len(results(first)) == PER_PAGE
    assert first.select_one(".pagination a[rel=prev]") is None
    next_link = first.select_one(".pagination a[rel=next]")["href"]
    assert query_of(next_link) == {
        "q": ["lighthouse"],
        "channel": [section.channel.slug],
        "page": ["2"],
    }
    second = soup(client.get(next_link))
    assert len(results(second)) == 5
    assert "Page 2 of 2" in second.select_one(".pagination").get_text()
    assert second.select_one(".pagination a[rel=next]") is None
    assert query_of(second.select_one(".pagination a[rel=prev]")["href"]) == {
        "q": ["lighthouse"],
        "channel": [section.channel.slug],
    }
    assert not set(headlines(first)) & set(headlines(second))
    # A chip's link goes back to page 1 of the wider search.
    assert "page" not in query_of(chips(second)["channel"]["href"])


def test_no_results_suggest_dropping_each_filter_and_fewer_words(
    client: Client, newsroom: Any
) -> None:
    response = client.get(
        SEARCH, {"q": "ferry budget", "channel": "harbour-times", "kind": "original"}
    )
    assert response.status_code == 200
    page = soup(response)
    assert not results(page)
    assert "No stories match" in page.select_one(".search-none").get_text()
    links = [query_of(a["href"]) for a in page.select(".search-none .search-suggestions a")]
    assert {"q": ["ferry budget"], "kind": ["original"]} in links
    assert {"q": ["ferry budget"], "channel": ["harbour-times"]} in links
    assert {"q": ["ferry budget"]} in links  # every filter dropped
    assert {"q": ["ferry"], "channel": ["harbour-times"], "kind": ["original"]} in links
    assert {"q": ["budget"], "channel": ["harbour-times"], "kind": ["original"]} in links


def test_drafts_and_scheduled_stories_are_not_found(
    client: Client, publish: Any, section: Section
) -> None:
    publish(
        section,
        "Zeppelin returns next week",
        "A zeppelin flies over the bay.",
        at=timezone.now() + dt.timedelta(days=7),
    )
    story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline="Zeppelin draft",
        body="<p>zeppelin</p>",
    )
    index_pending()
    page = soup(client.get(SEARCH, {"q": "zeppelin"}))
    assert not results(page) and page.select_one(".search-none") is not None


def test_a_channel_cannot_be_called_search() -> None:
    from django.core.exceptions import ValidationError

    channel = Channel(slug="search", name="Search")
    with pytest.raises(ValidationError):
        channel.full_clean()


def test_every_bad_filter_is_named_at_once(client: Client, newsroom: Any) -> None:
    response = client.get(SEARCH, {"q": "ferry", "channel": "nowhere", "kind": "opinion"})
    assert response.status_code == 400
    page = soup(response)
    assert "There is no channel “nowhere”." in error_text(page)
    assert "A story's kind is “original” or “curated”." in error_text(page)
    shown = chips(page)
    assert all("chip--invalid" in shown[name]["class"] for name in ("channel", "kind"))
    assert query_of(shown["channel"]["href"]) == {"q": ["ferry"], "kind": ["opinion"]}


def test_a_query_the_engine_refuses_answers_400_with_its_reason(
    client: Client, newsroom: Any
) -> None:
    response = client.get(SEARCH, {"q": "-ferry"})
    assert response.status_code == 400
    assert "a search cannot be only words to leave out" in error_text(soup(response))


def test_the_page_costs_the_same_queries_for_2_results_as_for_20(
    client: Client, publish: Any, section: Section, django_assert_max_num_queries: Any
) -> None:
    """No query per result: the stories come with their channel, section and source."""
    other = SectionFactory(channel=ChannelFactory(slug="other-channel"), slug="other")
    for number in range(PER_PAGE):
        publish(
            section if number % 2 else other,
            f"Quarry report {number}",
            "The quarry reopened.",
            kind=Story.Kind.CURATED if number % 3 else Story.Kind.ORIGINAL,
            **(
                {"original_url": f"https://ledger.example/q{number}", "source_name": "Ledger"}
                if number % 3
                else {}
            ),
        )
    client.get(SEARCH, {"q": "warm up"})  # the channels' menu is kept in the process
    queries = {}
    for q, shown in (("quarry", PER_PAGE), ('"quarry report 7"', 1)):
        with CaptureQueriesContext(connection) as captured:
            page = soup(client.get(SEARCH, {"q": q}))
        assert len(results(page)) == shown, q
        queries[q] = len(captured)
    assert queries["quarry"] == queries['"quarry report 7"'], queries
    with django_assert_max_num_queries(max(4, queries["quarry"])):
        client.get(SEARCH, {"q": "quarry", "sort": "newest"})
