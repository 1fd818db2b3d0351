"""The capture parser, on the reference page and on captures written here for each rule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import SHARED, require_tool
from masthead.ingest.capture import (
    Capture,
    CapturedComment,
    CaptureError,
    body_html,
    is_subheading,
    looks_like_capture,
    parse_capture,
)

SEED = "000_27479a841d66c344.txt"


def seed_text() -> str:
    path: Path = SHARED / "seed" / SEED
    require_tool("../shared/seed", path.exists(), f"test material expected at {path}")
    return path.read_text(encoding="utf-8")


def capture_text(
    *,
    time_line: str = "January 10, 2018, 9:15 AM PST",
    photo: str = "",
    body: str = "A first paragraph of the story.\n\nA second paragraph.",
    read_full_story: bool = False,
    comments: str = "",
    ending: str = "\n\nStories\n",
) -> str:
    """A capture as the page gives it, with the parts a test varies."""
    parts = ["Harbour Ferry Resumes Winter Service", "By Ana Souza and Li Wei", time_line]
    if photo:
        parts.append(photo)
    parts.append(body)
    if read_full_story:
        parts.append("Read full story")
    return "\n\n".join(parts) + "\n\nComments\n" + comments + ending


# The reference page


@pytest.fixture(scope="module")
def seed() -> Capture:
    return parse_capture(seed_text())


def test_seed_header(seed: Capture) -> None:
    assert seed.headline == "Putin Puts North Korea Ties Before Missile Threat"
    assert seed.byline == "Ilya Arkhipov"
    assert seed.published == datetime(2017, 7, 25, 21, 1, tzinfo=UTC)
    assert seed.time_zone == "America/Los_Angeles"


def test_seed_photo(seed: Capture) -> None:
    assert seed.image_caption == (
        "North Korea's Mangyongbong-92 ferry in Vladivostok, Russia, on May 18, 2017"
    )
    assert seed.image_credit == "Photographer: Yuri Smityuk/TASS/Getty Images"


def test_seed_body(seed: Capture) -> None:
    tags = [tag for tag, _ in seed.blocks]
    headings = [(index, text) for index, (tag, text) in enumerate(seed.blocks) if tag == "h2"]
    assert headings == [(5, "Migrant Workers"), (10, "Russia, China")]
    assert tags == ["p"] * 5 + ["h2"] + ["p"] * 4 + ["h2", "p"]
    assert seed.blocks[0][1].startswith("In retrospect, said Vladimir Bogdanov")
    assert seed.blocks[1][1].startswith("\u201cWe were in a hurry, thinking we\u2019d")
    assert seed.blocks[-1][1].endswith("held joint drills with South Korea in response.")
    assert all("Read full story" not in text for _, text in seed.blocks)
    assert seed.read_full_story is True


def test_seed_comments(seed: Capture) -> None:
    assert seed.comments == [
        CapturedComment(
            thread=1,
            position=1,
            display_name="charlieh",
            handle="charlieh",
            body="Lets hope for the best for every country. Not result in any kind of conflict",
        )
    ]


def test_seed_with_stories_glued_to_the_last_comment() -> None:
    glued = seed_text().rstrip().removesuffix("Stories").rstrip() + "Stories"
    assert glued.endswith("conflictStories")
    assert parse_capture(glued).comments[0].body.endswith("any kind of conflict")


def test_seed_looks_like_a_capture() -> None:
    assert looks_like_capture(seed_text())


# Synthetic captures


def test_original_story_without_photo_or_read_full_story() -> None:
    capture = parse_capture(capture_text())
    assert capture.byline == "Ana Souza and Li Wei"
    assert capture.image_caption == ""
    assert capture.image_credit == ""
    assert capture.read_full_story is False
    assert capture.blocks == [
        ("p", "A first paragraph of the story."),
        ("p", "A second paragraph."),
    ]
    assert capture.comments == []


def test_pst_in_winter() -> None:
    capture = parse_capture(capture_text(time_line="January 10, 2018, 9:15 AM PST"))
    assert capture.published == datetime(2018, 1, 10, 17, 15, tzinfo=UTC)
    assert capture.time_zone == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("time_line", "instant", "zone"),
    [
        ("July 4, 2019, 12:30 AM EDT", datetime(2019, 7, 4, 4, 30, tzinfo=UTC), "America/New_York"),
        ("Dec. 1, 2020, 12:05 PM GMT", datetime(2020, 12, 1, 12, 5, tzinfo=UTC), "UTC"),
        ("March 3, 2021, 6:00 PM SGT", datetime(2021, 3, 3, 10, 0, tzinfo=UTC), "Asia/Singapore"),
        ("June 1, 2021, 8:00 AM BST", datetime(2021, 6, 1, 7, 0, tzinfo=UTC), "Europe/London"),
        # The hour repeated when clocks go back: the abbreviation says which one.
        ("November 5, 2017, 1:30 AM PDT", datetime(2017, 11, 5, 8, 30, tzinfo=UTC), None),
        ("November 5, 2017, 1:30 AM PST", datetime(2017, 11, 5, 9, 30, tzinfo=UTC), None),
    ],
)
def test_time_lines(time_line: str, instant: datetime, zone: str | None) -> None:
    capture = parse_capture(capture_text(time_line=time_line))
    assert capture.published == instant
    assert capture.time_zone == (zone or "America/Los_Angeles")


def test_photo_caption_with_its_own_bar() -> None:
    photo = "(  Boats | barges at  dawn | Photographer: Ana Souza/Reuters )"
    capture = parse_capture(capture_text(photo=photo))
    assert capture.image_caption == "Boats | barges at dawn"
    assert capture.image_credit == "Photographer: Ana Souza/Reuters"
    assert capture.blocks[0] == ("p", "A first paragraph of the story.")


def test_bracketed_note_is_body_not_photo() -> None:
    body = "(Updates with harbour master\u2019s comment.)\n\nThe ferry sailed at dawn."
    capture = parse_capture(capture_text(body=body))
    assert capture.image_caption == ""
    assert capture.blocks[0] == ("p", "(Updates with harbour master\u2019s comment.)")


def test_subheadings_only_between_paragraphs() -> None:
    body = "\n\n".join(
        [
            "Short Opening",
            "The ferry sailed at dawn.",
            "Winter Routes",
            "Ice closed the northern route.",
            "He declined to comment,",
            "\u201cWe will sail,\u201d he said.",
            "What Comes Next",
        ]
    )
    capture = parse_capture(capture_text(body=body))
    assert [text for tag, text in capture.blocks if tag == "h2"] == ["Winter Routes"]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Migrant Workers", True),
        ("Russia, China", True),
        ("Russia, China,", False),
        ("Questions remain:", False),
        ("\u2018Big Problem\u2019", False),
        ("\u201cNo comment\u201d", False),
        ("It is over.", False),
        ("(Adds details)", False),
        ("One two three four five six seven eight nine", False),
        ("A" * 61, False),
    ],
)
def test_is_subheading(line: str, heading: bool) -> None:
    assert is_subheading(line) is heading


def test_lines_within_a_paragraph_are_joined_and_spaces_collapsed() -> None:
    body = "The ferry   sailed\nat  dawn.\n\nShort Line\nSecond Line\n\nThe end."
    capture = parse_capture(capture_text(body=body))
    assert capture.blocks == [
        ("p", "The ferry sailed at dawn."),
        ("p", "Short Line Second Line"),
        ("p", "The end."),
    ]


def test_threads_and_replies_in_file_order() -> None:
    comments = (
        "No. 1-1\nJos\u00e9 Mar\u00eda \u00d1\u00fa\u00f1ez\njose_maria\n\n"
        "First paragraph \u201cquoted\u201d.\n\nSecond   paragraph.\n\n"
        "No. 1-2\nAna Souza\n@ana_s\n\nA reply.\nOn two lines.\n\n"
        "No. 2-1\nLi Wei\nliwei2\n\nA new thread."
    )
    capture = parse_capture(capture_text(read_full_story=True, comments=comments))
    assert capture.read_full_story is True
    assert capture.comments == [
        CapturedComment(
            1,
            1,
            "Jos\u00e9 Mar\u00eda \u00d1\u00fa\u00f1ez",
            "jose_maria",
            "First paragraph \u201cquoted\u201d.\n\nSecond paragraph.",
        ),
        CapturedComment(1, 2, "Ana Souza", "ana_s", "A reply.\nOn two lines."),
        CapturedComment(2, 1, "Li Wei", "liwei2", "A new thread."),
    ]


def test_stories_marker_stripped_only_at_the_end() -> None:
    comments = "No. 1-1\nAna Souza\nana_s\n\nMore Stories\nlike this one, please."
    capture = parse_capture(capture_text(comments=comments, ending="Stories"))
    assert capture.comments[0].body == "More Stories\nlike this one, please."


def test_crlf_and_byte_order_mark() -> None:
    text = "\ufeff" + capture_text(comments="No. 1-1\nAna\nana\n\nHi.").replace("\n", "\r\n")
    capture = parse_capture(text)
    assert capture.headline == "Harbour Ferry Resumes Winter Service"
    assert capture.comments[0].body == "Hi."


# What is not a capture


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (capture_text(time_line="Updated yesterday"), "no time line"),
        (
            "Harbour Ferry Resumes\n\nBy Ana Souza\n\nThe ferry sailed at dawn.\n\nComments\n",
            "no time line",
        ),
        (capture_text(time_line="January 10, 2018, 9:15 AM XYZ"), "unknown time zone"),
        (capture_text(time_line="January 10, 2018, 9:15 AM PDT"), "PDT is not in use"),
        (capture_text(time_line="February 30, 2018, 9:15 AM PST"), "not a real date"),
        (capture_text(time_line="March 12, 2017, 2:30 AM PDT"), "does not exist"),
        (
            capture_text(comments="No. 1-1\nAna\nana\n\nHi.\n\nNo. 1-1\nLi\nli\n\nAgain."),
            "No. 1-1 appears twice",
        ),
        (capture_text(comments="No. 1-1\nAna Souza\nnot a handle\n\nHi."), "is not a handle"),
        (capture_text(comments="No. 1-1\nAna\nana\n\n"), "has no text"),
        (capture_text(comments="Log in to comment\n"), "not a comment"),
        (capture_text().replace("Comments\n", ""), "no 'Comments' line"),
        (
            "It was a quiet morning in the harbour. The ferry sailed at dawn.\n\n"
            "Nobody expected the ice to close the northern route so early.\n",
            "no byline",
        ),
        ("   \n\n", "empty"),
    ],
)
def test_capture_errors(text: str, reason: str) -> None:
    with pytest.raises(CaptureError, match=reason):
        parse_capture(text)


def test_pdt_in_january_says_what_is_in_use() -> None:
    with pytest.raises(CaptureError) as raised:
        parse_capture(capture_text(time_line="January 10, 2018, 9:15 AM PDT"))
    assert "America/Los_Angeles" in str(raised.value)
    assert "it is PST" in str(raised.value)


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Putin Puts North Korea Ties Before Missile Threat</title></head>
<body><h1>Putin Puts North Korea Ties Before Missile Threat</h1>
<p>By Ilya Arkhipov</p>
<p>July 25, 2017, 2:01 PM PDT</p></body></html>
"""

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Feeds</title></head>
  <body><outline text="By Ana Souza" xmlUrl="https://news.example/feed.xml"/></body>
</opml>
"""

WARC = (
    "WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2017-07-25T21:01:00Z\r\n"
    "WARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
    "Content-Type: application/http; msgtype=response\r\nContent-Length: 0\r\n\r\n"
)


@pytest.mark.parametrize("text", [HTML_PAGE, OPML, WARC, "", "Just one line of prose."])
def test_other_formats_do_not_look_like_captures(text: str) -> None:
    assert not looks_like_capture(text)


def test_capture_with_bad_zone_still_looks_like_one() -> None:
    assert looks_like_capture(capture_text(time_line="January 10, 2018, 9:15 AM XYZ"))


def test_body_html_escapes_text() -> None:
    body = "Quoted <script>alert('x')</script> & more.\n\nWinter Routes\n\nThe end."
    html = body_html(parse_capture(capture_text(body=body)))
    assert html == (
        "<p>Quoted &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more.</p>\n"
        "<h2>Winter Routes</h2>\n"
        "<p>The end.</p>"
    )


def test_body_html_of_seed(seed: Capture) -> None:
    html = body_html(seed)
    assert html.count("<p>") == 10
    assert "<h2>Migrant Workers</h2>" in html
    assert "<h2>Russia, China</h2>" in html
    assert "North Korea\u2019s Rason" in html
