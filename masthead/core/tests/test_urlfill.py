"""``url_fill`` gives what ``reverse`` gives, for every kind of pattern the site's lists link
(one argument, two, four with an optional group and a fixed-length id), under a script prefix
too."""

from __future__ import annotations

import uuid

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from masthead.core import public_id
from masthead.core.urlfill import url_fill

CASES = [
    ("pages:channel", {"channel": "globallead"}),
    ("pages:channel", {"channel": "a-b-c9"}),
    ("pages:section", {"channel": "globallead", "section": "politics"}),
    ("pages:profile", {"handle": "Reader_One"}),
    *(
        (
            "pages:story",
            {
                "channel": channel,
                "section": section,
                "slug": slug,
                "public_id": public_id.encode(uuid.UUID(int=number * 7919)),
            },
        )
        for number, (channel, section, slug) in enumerate(
            [
                ("globallead", "politics", "harbour-council-votes"),
                ("g2", "s-3", ""),
                ("channel0", "section0", "story"),
                ("x", "y", "a-" * 50 + "z"),
            ]
        )
    ),
]


@pytest.mark.parametrize("prefix", ["/", "/news/"])
@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_url_fill_is_reverse(name: str, kwargs: dict[str, str], prefix: str) -> None:
    set_script_prefix(prefix)
    try:
        assert url_fill(name, **kwargs) == reverse(name, kwargs=kwargs)
    finally:
        clear_script_prefix()
