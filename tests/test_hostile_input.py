"""Hostile input through the real forms: the Big List of Naughty Strings and DOMPurify's XSS
fixtures, each posted as a comment, a display name and a story body.

Every string is stored or refused with a message the member can read, never a server error,
and no page that shows it carries anything a browser would run. One test per (source, kind)
loops over all the strings, so fixtures are built once rather than two thousand times; problems
are collected, not raised at the first one, so a failing run lists every offending string.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from conftest import shared_data
from masthead.accounts.models import Profile, User
from masthead.accounts.tests.factories import MemberFactory
from masthead.accounts.validators import normalize_display_name
from masthead.channels.models import Channel, Section
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db

SOURCES = ("blns", "dompurify")
HTMX = {"HTTP_HX_REQUEST": "true"}
STORED = (302, 303)
# htmx and masthead.js, loaded from <head> of every full page (core/jinja2/_head.html); an
# htmx fragment carries none.
SITE_SCRIPTS = 2
SITE_SCRIPT_PREFIX = "/static/masthead/"
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
EXECUTABLE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
# Checked in the whole document, not only <body>: the site's own <head> needs none of them, and
# a parser that hoists user content into <head> must not hide it from the check.
FORBIDDEN_ELEMENTS = ("iframe", "object", "embed", "frame", "frameset", "base", "style")
ERROR_SELECTOR = ".form-errors, .field-errors, .errorlist"
# Two parsers that disagree on broken markup: content that hides an element from one of them
# (the mutation-XSS family in DOMPurify's fixtures) is still seen by the other.
PARSERS = ("html.parser", "lxml")
RENAMES_PER_ROUND = 50  # members renamed between two renders of the story page
PROFILE_COMMENTS_SHOWN = 20  # discussion/selectors.py PROFILE_COMMENTS_COUNT
PROBLEMS_SHOWN = 40  # enough to see the pattern without drowning the report


@cache
def hostile_strings(source: str) -> tuple[str, ...]:
    if source == "blns":
        strings = json.loads(shared_data("xss/blns/blns.json").read_text(encoding="utf-8"))
        return tuple(strings)
    fixtures = json.loads(
        shared_data("xss/dompurify-fixtures/expect.json").read_text(encoding="utf-8")
    )
    return tuple(fixture["payload"] for fixture in fixtures)


def _squashed(value: str) -> str:
    # Browsers skip whitespace and control characters in a URL scheme ("java\tscript:" runs),
    # so the check does too.
    return "".join(
        ch for ch in value.strip() if not ch.isspace() and unicodedata.category(ch) != "Cc"
    ).lower()


def executable_findings(html: str, *, allowed_scripts: int, parser: str) -> list[str]:
    """Everything in ``html`` a browser could run that the site did not put there itself."""
    soup = BeautifulSoup(html, parser, multi_valued_attributes=None)
    findings: list[str] = []
    own_scripts = 0
    for script in soup.find_all("script"):
        src = str(script.get("src") or "")
        if (
            src.startswith(SITE_SCRIPT_PREFIX)
            and not script.get_text().strip()
            and script.find_parent("head") is not None
        ):
            own_scripts += 1
        else:
            findings.append(f"script element {str(script)[:160]!r}")
    if own_scripts != allowed_scripts:
        findings.append(f"{own_scripts} site scripts in <head>, expected {allowed_scripts}")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            lowered = name.lower()
            # hx-on* is htmx's inline handler: eval'd JavaScript unless allowEval is off.
            if lowered.startswith(("on", "hx-on", "data-hx-on")) or (
                lowered in URL_ATTRIBUTES and _squashed(str(value)).startswith(EXECUTABLE_SCHEMES)
            ):
                findings.append(f"<{element.name} {name}={str(value)[:80]!r}>")
    for name in FORBIDDEN_ELEMENTS:
        findings.extend(f"{name} element {str(found)[:160]!r}" for found in soup.find_all(name))
    for meta in soup.find_all("meta"):
        if str(meta.get("http-equiv") or "").strip().lower() == "refresh":
            findings.append(f"meta refresh {str(meta)[:160]!r}")
    return findings


def nothing_executable_findings(html: str, *, allowed_scripts: int) -> list[str]:
    return [
        f"[{parser}] {finding}"
        for parser in PARSERS
        for finding in executable_findings(html, allowed_scripts=allowed_scripts, parser=parser)
    ]


def assert_nothing_executable(html: str, *, allowed_scripts: int) -> None:
    """``allowed_scripts`` is how many of the site's own scripts the page must carry in <head>:
    SITE_SCRIPTS for a full page, 0 for an htmx fragment."""
    findings = nothing_executable_findings(html, allowed_scripts=allowed_scripts)
    assert not findings, "executable content in the page:\n" + "\n".join(findings)


def visible_errors(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        text for found in soup.select(ERROR_SELECTOR) if (text := found.get_text(" ", strip=True))
    ]


@dataclass
class Outcomes:
    """What became of each string of one source posted as one kind of input."""

    kind: str
    stored: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str, what: str) -> None:
        self.problems.append(f"{self.kind} {text[:100]!r}: {what}")

    def check_page(self, text: str, html: str, *, allowed_scripts: int = SITE_SCRIPTS) -> None:
        findings = nothing_executable_findings(html, allowed_scripts=allowed_scripts)
        if findings:
            self.problem(text, "executable content in the page: " + "; ".join(findings))

    def check_refusal(
        self, text: str, response: HttpResponse, *, allowed_scripts: int = SITE_SCRIPTS
    ) -> None:
        self.refused.append(text)
        html = response.content.decode()
        if not visible_errors(html):
            self.problem(text, f"refused ({response.status_code}) without a visible message")
        # The refusal page gives the text back to the member to correct: it is rendered too.
        self.check_page(text, html, allowed_scripts=allowed_scripts)

    def assert_clean(self) -> None:
        assert not self.problems, (
            f"{len(self.problems)} problems ({len(self.stored)} stored, "
            f"{len(self.refused)} refused):\n" + "\n".join(self.problems[:PROBLEMS_SHOWN])
        )


def post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> HttpResponse | Exception:
    """The response, or the exception a server error raised. The savepoint keeps one crash
    from aborting PostgreSQL's transaction for every string after it."""
    try:
        with transaction.atomic():
            return client.post(url, data, **extra)  # type: ignore[return-value]
    except Exception as error:
        return error


def response_problem(response: HttpResponse | Exception) -> str | None:
    """Why ``response`` is neither a store nor a refusal, or None if it is one of them."""
    if isinstance(response, Exception):
        return f"server error {type(response).__name__}: {str(response)[:200]}"
    if response.status_code in STORED or response.status_code == 200:
        return None
    if 400 <= response.status_code < 500:
        return None
    return f"status {response.status_code}"


def soup_of(response: HttpResponse) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("source", SOURCES)
def test_hostile_comments_are_stored_or_refused_and_never_run(
    source: str, settings: Any, client: Client, member_client: Client, member: User, story: Story
) -> None:
    settings.MASTHEAD_RATE_LIMITS_ENABLED = False
    url = reverse("discussion:post", kwargs={"public_id": story.public_key})
    outcomes = Outcomes("comment")
    for index, text in enumerate(hostile_strings(source)):
        # Every other string goes the way a browser with JavaScript sends it: htmx answers with
        # a fragment to swap in, on success and on refusal.
        htmx = index % 2 == 1
        before = Comment.objects.count()
        response = post(member_client, url, {"body": text}, **(HTMX if htmx else {}))
        if problem := response_problem(response):
            outcomes.problem(text, problem)
            continue
        assert isinstance(response, HttpResponse)
        stored = Comment.objects.count() - before
        if response.status_code in (200, *STORED):
            if stored != 1 or response.status_code != (200 if htmx else 302):
                outcomes.problem(text, f"status {response.status_code}, {stored} comments made")
                continue
            if not text.strip():
                outcomes.problem(text, "blank comment stored")
            outcomes.stored.append(text)
            if htmx:
                fragment = response.content.decode()
                if not soup_of(response).select("article.comment"):
                    outcomes.problem(text, "htmx answer has no comment in it")
                outcomes.check_page(text, fragment, allowed_scripts=0)
        else:
            if stored:
                outcomes.problem(text, f"refused ({response.status_code}) but stored")
            outcomes.check_refusal(text, response, allowed_scripts=0 if htmx else SITE_SCRIPTS)

    # The page every reader sees, and the member's own (with edit, delete and reply links).
    for viewer in (client, member_client):
        page = viewer.get(story.get_absolute_url())
        assert page.status_code == 200
        outcomes.check_page("<story page>", page.content.decode())
        assert len(soup_of(page).select("article.comment")) == len(outcomes.stored)
    profile = client.get(member.profile.get_absolute_url())
    assert profile.status_code == 200
    outcomes.check_page("<profile page>", profile.content.decode())
    assert len(soup_of(profile).select("article.profile-comment")) == min(
        len(outcomes.stored), PROFILE_COMMENTS_SHOWN
    )
    assert outcomes.stored, "no string was stored: the test proves nothing about rendering"
    outcomes.assert_clean()


def _commenters(story: Story, count: int) -> list[tuple[User, Client]]:
    """Members who each have one comment on ``story``: its page shows all their names."""
    pool = []
    for n in range(count):
        user = MemberFactory(handle=f"hostile{n}", display_name=f"Hostile {n}")
        comment_create(actor=user, story=story, body=f"Comment {n}")
        member_client = Client()
        member_client.force_login(user)
        pool.append((user, member_client))
    return pool


@pytest.mark.parametrize("source", SOURCES)
def test_hostile_display_names_are_stored_or_refused_and_never_run(
    source: str, settings: Any, client: Client, story: Story
) -> None:
    settings.MASTHEAD_RATE_LIMITS_ENABLED = False
    url = reverse("accounts:profile_edit")
    strings = hostile_strings(source)
    pool = _commenters(story, RENAMES_PER_ROUND)
    outcomes = Outcomes("display name")
    for start in range(0, len(strings), RENAMES_PER_ROUND):
        renamed: list[Profile] = []
        for (user, member_client), text in zip(
            pool, strings[start : start + RENAMES_PER_ROUND], strict=False
        ):
            before = Profile.objects.get(user=user)
            # The bio rides along: member text shown on the same profile page.
            response = post(member_client, url, {"display_name": text, "bio": text})
            if problem := response_problem(response):
                outcomes.problem(text, problem)
                continue
            assert isinstance(response, HttpResponse)
            after = Profile.objects.get(user=user)
            if response.status_code in STORED:
                if after.display_name != normalize_display_name(text):
                    outcomes.problem(text, f"stored as {after.display_name!r}")
                    continue
                if not text.strip():
                    outcomes.problem(text, "blank display name stored")
                outcomes.stored.append(text)
                renamed.append(after)
            elif response.status_code == 200:
                outcomes.problem(text, "answered 200: neither saved nor refused")
            else:
                if (after.display_name, after.bio) != (before.display_name, before.bio):
                    outcomes.problem(text, f"refused ({response.status_code}) but stored")
                outcomes.check_refusal(text, response)

        page = client.get(story.get_absolute_url())
        assert page.status_code == 200
        outcomes.check_page("<story page>", page.content.decode())
        names = {profile.user_id: profile.display_name for profile in Profile.objects.all()}
        shown = [
            found.get_text() for found in soup_of(page).select("article.comment .display-name")
        ]
        # Escaped, not mangled: each name reads on the page exactly as it was saved.
        assert shown == [names[user.pk] for user, _ in pool]
        for profile in renamed:
            profile_page = client.get(profile.get_absolute_url())
            assert profile_page.status_code == 200
            outcomes.check_page(profile.display_name, profile_page.content.decode())
            heading = soup_of(profile_page).find("h1")
            assert heading is not None and heading.get_text() == profile.display_name
    assert outcomes.stored, "no string was stored: the test proves nothing about rendering"
    outcomes.assert_clean()


@pytest.mark.parametrize("source", SOURCES)
def test_hostile_story_bodies_are_stored_or_refused_and_never_run(
    source: str,
    settings: Any,
    client: Client,
    curator_client: Client,
    channel: Channel,
    section: Section,
) -> None:
    settings.MASTHEAD_RATE_LIMITS_ENABLED = False
    url = reverse("stories:new", kwargs={"channel": channel.slug})
    outcomes = Outcomes("story body")
    for index, text in enumerate(hostile_strings(source)):
        data = {
            "section": section.pk,
            "headline": f"Hostile body {index}",
            "time_zone": "UTC",
            "body": text,
            "action": "publish",
            "comments_open": "on",
        }
        before = Story.objects.count()
        response = post(curator_client, url, data)
        if problem := response_problem(response):
            outcomes.problem(text, problem)
            continue
        assert isinstance(response, HttpResponse)
        stored = Story.objects.count() - before
        if response.status_code in STORED:
            if stored != 1:
                outcomes.problem(text, f"redirected but {stored} stories made")
                continue
            if not text.strip():
                outcomes.problem(text, "blank body stored")
            outcomes.stored.append(text)
            # What readers see: the anonymous story page the form redirected to.
            page = client.get(response["Location"])
            if page.status_code != 200:
                outcomes.problem(text, f"story page answered {page.status_code}")
                continue
            if soup_of(page).select_one(".story-body") is None:
                outcomes.problem(text, "story page has no body")
            outcomes.check_page(text, page.content.decode())
        elif response.status_code == 200:
            outcomes.problem(text, "answered 200: neither saved nor refused")
        else:
            if stored:
                outcomes.problem(text, f"refused ({response.status_code}) but stored")
            outcomes.check_refusal(text, response)
    assert outcomes.stored, "no string was stored: the test proves nothing about rendering"
    outcomes.assert_clean()


def _policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives.setdefault(name.lower(), values)
    return directives


def _csp_problem(response: HttpResponse) -> str | None:
    header = response.headers.get("Content-Security-Policy")
    if not header:
        return "no Content-Security-Policy header"
    policy = _policy(header)
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None:
        return f"no script-src or default-src in {header!r}"
    # A policy that lets inline or injected script run would not stop what the other tests hunt.
    loose = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts)
    if loose:
        return f"script-src allows {sorted(loose)}"
    if policy.get("object-src") != ["'none'"]:
        return f"object-src is {policy.get('object-src')}, not 'none'"
    if "base-uri" not in policy:
        return "no base-uri"
    return None


def test_every_page_carries_a_content_security_policy(
    settings: Any, client: Client, member_client: Client, member: User, story: Story
) -> None:
    settings.MASTHEAD_RATE_LIMITS_ENABLED = False
    comments = reverse("discussion:post", kwargs={"public_id": story.public_key})
    pages: dict[str, tuple[HttpResponse, int]] = {
        "front": (client.get(reverse("pages:front")), 200),
        "channel": (client.get(story.channel.get_absolute_url()), 200),
        "section": (client.get(story.section.get_absolute_url()), 200),
        "story": (client.get(story.get_absolute_url()), 200),
        "story, as a member": (member_client.get(story.get_absolute_url()), 200),
        "profile": (client.get(member.profile.get_absolute_url()), 200),
        "profile edit": (member_client.get(reverse("accounts:profile_edit")), 200),
        "login": (client.get(reverse("account_login")), 200),
        "signup": (client.get(reverse("account_signup")), 200),
        "404": (client.get("/no/such/page/here/"), 404),
        "404 from a view": (client.get("/nosuchchannel/"), 404),
        "403": (
            member_client.get(reverse("stories:new", kwargs={"channel": story.channel.slug})),
            403,
        ),
        "admin login": (client.get(reverse("admin:login")), 200),
        "htmx comment post": (member_client.post(comments, {"body": "With a policy"}, **HTMX), 200),
        "htmx refused comment": (member_client.post(comments, {"body": " "}, **HTMX), 422),
    }
    problems = [
        f"{name}: status {response.status_code}, expected {status}"
        for name, (response, status) in pages.items()
        if response.status_code != status
    ]
    problems += [
        f"{name}: {problem}"
        for name, (response, _status) in pages.items()
        if (problem := _csp_problem(response))
    ]
    assert not problems, "\n".join(problems)


def test_a_page_from_the_page_cache_keeps_its_policy(
    settings: Any, client: Client, story: Story
) -> None:
    settings.MASTHEAD_PAGE_CACHE = True
    first = client.get(story.get_absolute_url())
    second = client.get(story.get_absolute_url())
    assert (first["X-Masthead-Cache"], second["X-Masthead-Cache"]) == ("miss", "hit")
    assert _csp_problem(second) is None
