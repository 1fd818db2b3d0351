"""The 404 page says what is missing (a member, a channel, a section, a story) and an address
that exists without its trailing slash is sent there (core/views.py ``not_found``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "title", "words"),
    [
        ("/@nobody_here", "No such member", "No member is called @nobody_here."),
        ("/nochannel/", "No such channel", "There is no channel at /nochannel/."),
        ("/globallead/nosection/", "No such section", "Global Lead has no section called"),
        ("/nochannel/nosection/", "No such channel", "There is no channel at /nochannel/."),
        ("/globallead/politics/a-AAAAAAAAAAAAAAAAAAAAAA/", "No such story", "no story at this"),
        ("/no/such/deep/address", "Page not found", "There is nothing at this address."),
    ],
)
def test_the_404_page_says_what_is_missing(
    client: Client, section: Any, path: str, title: str, words: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page and words in page


@pytest.mark.parametrize(
    ("asked", "target"),
    [
        ("/@reader_one/", "/@reader_one"),
        ("/@nobody_here/", "/@nobody_here"),  # the profile view says who is missing
        ("/home/", "/home"),
        ("/latest/?page=2", "/latest?page=2"),
        ("/sitemap.xml/", "/sitemap.xml"),
        ("/rss.xml/?page=2", "/rss.xml?page=2"),
    ],
)
def test_an_address_with_a_slash_too_many_is_sent_to_the_one_without(
    client: Client, section: Any, asked: str, target: str
) -> None:
    response = client.get(asked)
    assert response.status_code == 301
    assert response["Location"] == target


@pytest.mark.parametrize("path", ["//evil.example/", "/no/such/deep/", "/globallead/nosection/"])
def test_no_redirect_where_nothing_is_without_the_slash(
    client: Client, section: Any, path: str
) -> None:
    # PATH_INFO as a server hands it over: the test client would read "//host/" as a host.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404, response.get("Location")


def test_a_post_is_never_redirected(client: Client, section: Any) -> None:
    assert client.post("/home/").status_code == 404  # not sent to /home: a redirect drops a body
