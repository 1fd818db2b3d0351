"""Error pages render without the database: the 500 page never asks it (the database being
away may be the error), and the 4xx pages, whose header shows the member, fall back to the
bare page when the database fails them. Never a bare 500 with no page."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.urls import path

from masthead.urls import handler500  # noqa: F401 - this module's URLconf has the site's
from masthead.urls import urlpatterns as site_urlpatterns


def boom(request: Any) -> Any:
    raise RuntimeError("a bug")


urlpatterns = [path("boom", boom), *site_urlpatterns]  # this module is also a URLconf


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nobody listens there once the probe is closed


@contextmanager
def database_unreachable(tmp_path: Path) -> Iterator[None]:
    """This process's connection pointed where no database answers: PostgreSQL refuses the
    connection; SQLite cannot open its file."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "gone" / "masthead.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def assert_a_page(response: Any, status: int, title: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text() == title
    assert soup.find("a", class_="wordmark").get_text() == "Masthead"
    assert soup.find("link", rel="stylesheet") is not None
    assert soup.find("footer") is not None


@pytest.mark.urls("tests.test_error_pages")
def test_the_500_page_asks_nothing_of_the_database(
    member_client: Client, django_assert_num_queries: Any
) -> None:
    member_client.raise_request_exception = False
    member_client.get("/")  # the session is in the cache now
    with django_assert_num_queries(0):
        response = member_client.get("/boom")
    assert_a_page(response, 500, "Something went wrong")
    assert "Log out" not in response.content.decode()  # no member: the page is the same for all


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_error_pages_render_while_the_database_is_down(
    member: Any, tmp_path: Path, logged_in: bool
) -> None:
    client = Client(raise_request_exception=False)
    if logged_in:
        client.force_login(member)
    with database_unreachable(tmp_path):
        front = client.get("/")  # its view queries: OperationalError
        missing = client.get("/media/no-such-photo.jpg")  # 404; its header would query
    assert_a_page(front, 500, "Something went wrong")
    assert_a_page(missing, 404, "Page not found")
    assert client.get("/").status_code == 200  # and back


def test_a_form_the_csrf_check_refuses_gets_the_sites_page(db: Any, member: Any) -> None:
    # Django's own page carries an inline style the site's CSP refuses, and says nothing a
    # reader can act on.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/accounts/feeds/create", {})
    assert_a_page(response, 403, "Please try again")
    page = response.content.decode()
    assert "nothing was saved" in page and "style=" not in page and "<style" not in page
