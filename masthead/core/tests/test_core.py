from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from masthead.core import public_id
from masthead.core.sanitize import clean_story_html, render_comment_markdown, story_body_from_input
from masthead.core.timefmt import story_time

ROOT = Path(__file__).resolve().parents[3]


def test_public_id_round_trip_and_the_reference_id() -> None:
    value = uuid.uuid4()
    key = public_id.encode(value)
    assert len(key) == 22 and public_id.decode(key) == value
    reference = "aIXD1zdl0ES8RBwLJUfqcQ"  # from the reference page's URL
    assert public_id.encode(public_id.decode(reference)) == reference


@pytest.mark.parametrize(
    "key",
    ["", "short", "aIXD1zdl0ES8RBwLJUfqcQ=", "aIXD1zdl0ES8RBwLJUfqc!", "aIXD1zdl0ES8RBwLJUfqcR"],
)  # last: a second spelling
def test_public_id_refuses_anything_but_the_canonical_spelling(key: str) -> None:
    assert public_id.decode(key) is None


def test_story_time_is_shown_in_the_story_zone() -> None:
    moment = dt.datetime(2017, 7, 25, 21, 1, tzinfo=dt.UTC)
    assert story_time(moment, "America/Los_Angeles") == "July 25, 2017, 2:01 PM PDT"
    assert story_time(moment, "Europe/Berlin") == "July 25, 2017, 11:01 PM CEST"
    assert (
        story_time(moment.replace(month=1), "America/New_York") == "January 25, 2017, 4:01 PM EST"
    )


def test_story_html_keeps_structure_and_drops_everything_active() -> None:
    html = clean_story_html(
        '<h2 onclick="x()">Sub</h2><p style="color:red">Text <a href="javascript:alert(1)">a</a>'
        ' <a href="https://ok.example/">b</a></p><script>bad()</script><iframe src="//x"></iframe>'
        "<blockquote><p>Quote</p></blockquote><ul><li>i</li></ul><img src=x onerror=alert(1)>"
    )
    assert html == (
        '<h2>Sub</h2><p>Text <a rel="noopener noreferrer">a</a> '
        '<a href="https://ok.example/" rel="noopener noreferrer">b</a></p>'
        "<blockquote><p>Quote</p></blockquote><ul><li>i</li></ul>"
    )


def test_story_body_from_markdown_or_html() -> None:
    assert story_body_from_input("# Top\n\nText") == "<h2>Top</h2>\n<p>Text</p>"
    assert story_body_from_input("<p>Already <em>HTML</em></p>") == "<p>Already <em>HTML</em></p>"


def test_comment_markdown_subset() -> None:
    assert render_comment_markdown("# Not a heading") == "<p># Not a heading</p>"
    assert render_comment_markdown("<b>raw</b>") == "<p>&lt;b&gt;raw&lt;/b&gt;</p>"
    assert render_comment_markdown("> quoted") == "<blockquote>\n<p>quoted</p>\n</blockquote>"


def _masthead(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masthead.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_refuse_to_start_without_secret_key_or_hosts(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    base.update(DJANGO_SETTINGS_MODULE="masthead.settings.production", MASTHEAD_VAR=str(tmp_path))
    no_key = _masthead("check", env=base)
    assert no_key.returncode != 0 and "SECRET_KEY must be set" in no_key.stderr
    no_hosts = _masthead("check", env={**base, "SECRET_KEY": "k" * 30 + "abcdefghij" * 3})
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS must name" in no_hosts.stderr


def test_check_deploy_is_clean_for_production_settings(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "masthead.settings.production",
        "MASTHEAD_VAR": str(tmp_path),
        "ALLOWED_HOSTS": "news.example",
        "SECRET_KEY": "x7Gq2mV9pL4sT8wZ1cR6yB3nH5jK0dF-aQeUoIiYtRrEeWwQqAaSsDdFfGgHh",
    }
    result = _masthead("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "href",
    [
        "java&#1&#2&#3&#4&#5&#6&#7&#8&#11&#12script:javascript:alert(1)",
        "\u2028javascript:alert(1)",
        "&#xA0javascript:alert(1)",
        "&#x1680;javascript:alert(1)",
        "\x01java\x03script:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_links_that_spell_a_scheme_behind_invisible_characters_lose_their_href(href: str) -> None:
    assert "href" not in clean_story_html(f'<p><a href="{href}">x</a></p>')


@pytest.mark.parametrize(
    "href",
    [
        "/globallead/politics/",
        "#note-1",
        "page.html?x=1:2",
        "https://ledger.example/a",
        "mailto:desk@ledger.example",
    ],
)
def test_ordinary_links_keep_their_href(href: str) -> None:
    assert f'href="{href}"' in clean_story_html(f'<p><a href="{href}">x</a></p>')
