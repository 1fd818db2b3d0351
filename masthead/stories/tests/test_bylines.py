"""The writers a byline names (stories.models.names_in_byline): what the JSON-LD's authors and
the feeds' authors are made of."""

from __future__ import annotations

import pytest

from masthead.stories.models import names_in_byline


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Ada Lindqvist", ["Ada Lindqvist"]),
        ("Ada Lindqvist, Bo Berg and Cy Chen", ["Ada Lindqvist", "Bo Berg", "Cy Chen"]),
        ("Ada Lindqvist & Bo Berg; Cy Chen", ["Ada Lindqvist", "Bo Berg", "Cy Chen"]),
        ("By Ada Lindqvist, Staff Writer", ["Ada Lindqvist"]),
        ("by Ada Lindqvist and Bo Berg, Moscow Correspondents", ["Ada Lindqvist", "Bo Berg"]),
        ("Bylines Anonymous", ["Bylines Anonymous"]),  # "By" only as a word of its own
        ("Staff", []),
        ("City Desk", []),
        ("", []),
        ("   ", []),
    ],
)
def test_a_byline_names_its_writers_without_their_roles(byline: str, names: list[str]) -> None:
    assert names_in_byline(byline) == names
