"""A comment's @handle mentions link to the member's profile (core/sanitize.py), and nothing
else that holds an "@" does."""

from __future__ import annotations

import re

import pytest

from masthead.core.sanitize import render_comment_markdown


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Thanks @ameliaw, well put.", ["@ameliaw"]),
        ("**@bold_one** agrees", ["@bold_one"]),
        ("`@in_code` is code", []),
        ("write to me@example.com", []),  # an address, not a mention
        ("[@somebody](https://ledger.example/)", []),  # a link's text stays the link's
        ("https://ledger.example/@desk", []),
        (
            "@ab is too short, @exactly_thirty_characters_long fits",
            ["@exactly_thirty_characters_long"],
        ),
    ],
)
def test_a_mention_links_to_the_members_profile(text: str, linked: list[str]) -> None:
    html = render_comment_markdown(text)
    found = re.findall(r'<a href="/@(\w+)"[^>]*>(@\w+)</a>', html)
    assert [shown for _handle, shown in found] == linked
    assert all(shown == "@" + handle for handle, shown in found)
