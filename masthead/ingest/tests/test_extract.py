"""Extraction of one article page: the page's structured data wins field by field, the lead
photo's caption and credit come from its figure, times keep their zone; and the command."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from masthead.core.tests.webserver import Reply
from masthead.ingest.extract import Extracted, excerpt_of, extract

BODY = "".join(
    f"<p>Paragraph {n} of the story has enough words to count as a real paragraph of "
    f"news prose, with a second clause.</p>"
    for n in range(1, 7)
)
PAGE = f"""<!doctype html><html lang="en-GB"><head>
<title>Ferry Links Two Shores | The Harbour Ledger</title>
<meta property="og:site_name" content="The Harbour Ledger">
<meta property="og:image" content="/photos/ferry.jpg">
<meta property="article:published_time" content="2017-07-25T14:01:00-07:00">
<meta name="author" content="Ilse Marten">
<link rel="canonical" href="https://ledger.example/2017/07/ferry">
</head><body><article><h1>Ferry Links Two Shores</h1>
<figure><img src="/photos/ferry.jpg" alt="A ferry"><figcaption>The ferry in port on May 18
<span class="credit">Photographer: Jo Park/Agency</span></figcaption></figure>
{BODY}</article></body></html>"""

JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org",
"@graph": [{"@type": "WebSite", "name": "Ignored"}, {"@type": "NewsArticle",
"headline": "The Headline the Publisher Chose", "author": [{"@type": "Person", "name": "Ada One"},
{"@type": "Person", "name": "Bo Two"}], "datePublished": "2017-07-26T09:30:00+02:00",
"publisher": {"@type": "Organization", "name": "Ledger Media"}, "inLanguage": "de-CH",
"image": {"@type": "ImageObject", "url": "https://cdn.ledger.example/lead.jpg",
"caption": "A caption from JSON-LD", "creditText": "Photo: JSON Credit"}}]}</script>"""


def test_fields_from_the_page() -> None:
    fields = extract(PAGE, url="https://ledger.example/2017/07/ferry?utm_source=x")
    assert fields.headline == "Ferry Links Two Shores"
    assert fields.byline == "Ilse Marten"
    assert fields.published is not None
    assert fields.published.isoformat() == "2017-07-25T14:01:00-07:00"
    assert fields.publisher == "The Harbour Ledger"
    assert fields.language == "en"
    assert fields.canonical_url == "https://ledger.example/2017/07/ferry"
    assert fields.image == "https://ledger.example/photos/ferry.jpg"
    assert fields.image_caption == "The ferry in port on May 18"
    assert fields.image_credit == "Photographer: Jo Park/Agency"
    assert fields.excerpt.startswith("Paragraph 1 of the story")
    assert "Paragraph 6" in fields.body_text


def test_json_ld_news_article_wins_field_by_field() -> None:
    fields = extract(
        PAGE.replace("</head>", JSON_LD + "</head>"), url="https://ledger.example/2017/07/ferry"
    )
    assert fields.headline == "The Headline the Publisher Chose"
    assert fields.byline == "Ada One, Bo Two"
    assert fields.published is not None
    assert fields.published.isoformat() == "2017-07-26T09:30:00+02:00"
    assert fields.publisher == "Ledger Media"
    assert fields.language == "de"
    assert fields.image == "https://cdn.ledger.example/lead.jpg"
    assert (fields.image_caption, fields.image_credit) == (
        "A caption from JSON-LD",
        "Photo: JSON Credit",
    )
    assert fields.canonical_url == "https://ledger.example/2017/07/ferry"  # not in JSON-LD


def test_a_page_with_nothing_but_text() -> None:
    fields = extract(f"<html><body>{BODY}</body></html>")
    assert fields.headline == "" and fields.published is None and fields.image == ""
    assert fields.body_text.startswith("Paragraph 1")


@pytest.mark.parametrize("markup", ["", "<html>", "\x00\x01\x02", "<p>" * 10_000])
def test_a_page_with_nothing_to_read_gives_nothing(markup: str) -> None:
    assert extract(markup) == Extracted()  # every field empty: the curator fills the form


def test_a_broken_page_gives_what_it_has() -> None:
    """Unclosed tags and a NUL in the text: the headline and the text are still read."""
    fields = extract(
        "<html><head><title>Ferry Sails Again</title><body><article><h1>Ferry Sails Again"
        "<p>The ferry left the harbour at dawn carrying forty families and the mayor, who "
        "waved\x00 from the deck"
    )
    assert fields.headline == "Ferry Sails Again"
    assert "forty families and the mayor, who waved from the deck" in fields.body_text
    assert "\x00" not in fields.body_text and fields.published is None


def test_extract_command_prints_json_for_a_file(tmp_path: Path, capsys: Any) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(PAGE.encode()))
    call_command("extract", str(page), "--json")
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "headline",
        "byline",
        "published",
        "publisher",
        "language",
        "canonical_url",
        "image",
        "image_caption",
        "image_credit",
        "excerpt",
        "body_text",
    ]
    assert data["published"] == "2017-07-25T14:01:00-07:00"
    assert data["image_credit"] == "Photographer: Jo Park/Agency"


def test_extract_command_fetches_a_url(web: Any, capsys: Any) -> None:
    url = web.route("/2017/ferry", Reply(200, PAGE.encode(), {"Content-Type": "text/html"}))
    call_command("extract", url, "--json")
    assert json.loads(capsys.readouterr().out)["headline"] == "Ferry Links Two Shores"


def test_extract_command_says_why_it_failed(web: Any) -> None:
    from django.core.management.base import CommandError

    url = web.route("/report.pdf", Reply(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"}))
    with pytest.raises(CommandError, match="Expected a web page but got PDF document"):
        call_command("extract", url, "--json")
    with pytest.raises(CommandError, match="no such file"):
        call_command("extract", "/nonexistent/page.html")


def test_the_excerpt_does_not_repeat_the_headline() -> None:
    text = (
        "Osaka Trials Night Ferry Routes Across the Bay\n"
        "OSAKA — The city began trials of night ferry routes on Tuesday, with four boats.\n"
        "Officials said the trial runs for a month before a permanent timetable is set."
    )
    excerpt = excerpt_of(text, headline="Osaka Trials Night Ferry Routes Across the Bay")
    assert excerpt.startswith("OSAKA — The city began")


@pytest.mark.parametrize(
    ("written", "caption", "credit"),
    [
        (
            "The pier at night. Photographer: Aiko Sato",
            "The pier at night.",
            "Photographer: Aiko Sato",
        ),
        ("Ferries in port (Photo: Jo Park/Agency)", "Ferries in port", "Photo: Jo Park/Agency"),
        ("Photographs of the pier, taken at dawn", "Photographs of the pier, taken at dawn", ""),
        ("Shot with a telephoto: a rare sight", "Shot with a telephoto: a rare sight", ""),
        ("Images: the flood in pictures", "Images: the flood in pictures", ""),
        ("The pier - Photo: Ana Ruiz", "The pier", "Photo: Ana Ruiz"),
    ],
)
def test_a_credit_written_in_the_caption_is_the_credit(
    written: str, caption: str, credit: str
) -> None:
    page = (
        '<html><head><meta property="og:image" content="https://x.example/pier.jpg"></head>'
        f'<body><article><h1>Night Ferries</h1><figure><img src="/pier.jpg"><figcaption>{written}'
        f"</figcaption></figure><p>{BODY}</p></article></body></html>"
    )
    fields = extract(page, url="https://x.example/night-ferries")
    assert (fields.image_caption, fields.image_credit) == (caption, credit)
