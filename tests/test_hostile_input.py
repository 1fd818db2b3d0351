"""Hostile input through the real forms: the Big List of Naughty Strings and DOMPurify's XSS
fixtures, each posted as a comment, a display name and a story body.

Every string is stored or refused with a message the member can read, never a server error,
and no page that shows it carries anything a browser would run. One test per (source, kind)
loops over all the strings, so fixtures are built once rather than two thousand times; problems
are collected rather than raised at the first one, so a failing run lists every offending string.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache as memoize
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import lxml.html
import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import shared_data
from masthead.accounts.models import Profile, User
from masthead.accounts.services import member_create
from masthead.accounts.validators import normalize_display_name
from masthead.channels.models import Channel, Section
from masthead.core.localcache import clear_all
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create
from masthead.stories.models import Story

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

SOURCES = ("blns", "dompurify")
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
REDIRECTS = (302, 303)
# htmx and masthead.js, loaded from <head> of every full page (core/jinja2/_head.html); an
# htmx fragment carries none.
SITE_SCRIPTS = 2
SITE_SCRIPT_PREFIX = "/static/masthead/"
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
EXECUTABLE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
# Looked for in the whole document, not only <body>: the site's own <head> needs none of them,
# and markup that a parser hoists into <head> must not escape the check.
# A JSON-LD data block (discovery/jinja2/discovery/_story_head.html) is never run: a browser
# executes a script only when its type is a JavaScript MIME type or "module". It passes as data
# only if it parses as JSON and holds no "<" at all (core/jinja.py json_ld escapes it), so it
# cannot close its element and open another.
DATA_BLOCK_TYPE = "application/ld+json"
FORBIDDEN_ELEMENTS = frozenset({"iframe", "object", "embed", "frame", "frameset", "base", "style"})
ERROR_CLASSES = ("form-errors", "field-errors", "errorlist")
RENAMES_PER_ROUND = 50  # members renamed between two renders of the story page
PROFILE_COMMENTS_SHOWN = 20  # discussion/selectors.py PROFILE_COMMENTS_COUNT
PROBLEMS_SHOWN = 40  # enough to see the pattern without drowning the report


@memoize
def hostile_strings(source: str) -> tuple[str, ...]:
    if source == "blns":
        return tuple(json.loads(shared_data("xss/blns/blns.json").read_text(encoding="utf-8")))
    fixtures = json.loads(
        shared_data("xss/dompurify-fixtures/expect.json").read_text(encoding="utf-8")
    )
    return tuple(fixture["payload"] for fixture in fixtures)


# Parsing. Each page is read by two parsers that disagree on broken markup (Python's tokenizer
# and libxml2's), so content that hides an element from one of them is still seen by the other.
# Both feed a flat list of elements rather than a BeautifulSoup tree: building trees for two
# thousand full pages would cost most of the module's time.


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str]]
    in_head: bool
    text: list[str] = field(default_factory=list)  # the content of a script or style element


class _StdlibElements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._in_head = False
        self._raw_text: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        element = Element(tag, [(name, value or "") for name, value in attrs], self._in_head)
        self.elements.append(element)
        self._raw_text = element if tag in {"script", "style"} else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        self._raw_text = None

    def handle_data(self, data: str) -> None:
        if self._raw_text is not None:
            self._raw_text.text.append(data)


def elements_stdlib(html: str) -> list[Element]:
    parser = _StdlibElements()
    parser.feed(html)
    parser.close()
    return parser.elements


def elements_lxml(html: str) -> list[Element]:
    elements = []
    for node in lxml.html.document_fromstring(html).iter():
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        tag = node.tag.lower()
        in_head = any(ancestor.tag == "head" for ancestor in node.iterancestors())
        text = [node.text or ""] if tag in {"script", "style"} else []
        elements.append(
            Element(tag, [(name.lower(), value) for name, value in node.items()], in_head, text)
        )
    return elements


PARSERS: dict[str, Callable[[str], list[Element]]] = {
    "html.parser": elements_stdlib,
    "lxml": elements_lxml,
}


def _squashed(value: str) -> str:
    # Some browsers and mail readers skip whitespace and control characters in a URL scheme
    # ("java\tscript:" runs everywhere), so the check skips them too.
    return "".join(
        ch for ch in value.strip() if not ch.isspace() and unicodedata.category(ch) != "Cc"
    ).lower()


def _is_data_block(element: Element, attrs: dict[str, str]) -> bool:
    text = "".join(element.text)
    if attrs.get("type") != DATA_BLOCK_TYPE or "src" in attrs or "<" in text:
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def executable_findings(elements: list[Element], *, allowed_scripts: int) -> list[str]:
    """Everything among ``elements`` a browser could run that the site did not put there."""
    findings: list[str] = []
    own_scripts = 0
    for element in elements:
        attrs = dict(element.attrs)
        shown = f"<{element.tag} {element.attrs!r}>"[:200]
        if element.tag == "script" and not _is_data_block(element, attrs):
            if (
                attrs.get("src", "").startswith(SITE_SCRIPT_PREFIX)
                and element.in_head
                and not "".join(element.text).strip()
            ):
                own_scripts += 1
            else:
                findings.append(f"script {shown} {''.join(element.text)[:80]!r}")
        if element.tag in FORBIDDEN_ELEMENTS:
            findings.append(f"forbidden element {shown}")
        if element.tag == "meta" and attrs.get("http-equiv", "").strip().lower() == "refresh":
            findings.append(f"meta refresh {shown}")
        for name, value in element.attrs:
            # hx-on* is htmx's inline handler, run as JavaScript wherever eval is allowed.
            if name.startswith(("on", "hx-on", "data-hx-on")):
                findings.append(f"handler attribute {name} in {shown}")
            elif name in URL_ATTRIBUTES and _squashed(value).startswith(EXECUTABLE_SCHEMES):
                findings.append(f"script URL in {name} of {shown}")
    if own_scripts != allowed_scripts:
        findings.append(f"{own_scripts} site scripts in <head>, expected {allowed_scripts}")
    return findings


def page_findings(html: str, *, allowed_scripts: int) -> list[str]:
    return [
        f"[{name}] {finding}"
        for name, parse in PARSERS.items()
        for finding in executable_findings(parse(html), allowed_scripts=allowed_scripts)
    ]


def assert_nothing_executable(html: str, *, allowed_scripts: int) -> None:
    """``allowed_scripts`` is how many of the site's own scripts the page carries in <head>:
    SITE_SCRIPTS for a full page, 0 for an htmx fragment."""
    findings = page_findings(html, allowed_scripts=allowed_scripts)
    assert not findings, "executable content in the page:\n" + "\n".join(findings)


def tree(html: str | bytes) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def with_class(node: lxml.html.HtmlElement, tag: str, name: str) -> list[lxml.html.HtmlElement]:
    return node.xpath(f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {name} ")]')


def visible_errors(html: str) -> list[str]:
    root = tree(html)
    return [
        text
        for name in ERROR_CLASSES
        for found in with_class(root, "*", name)
        if (text := found.text_content().strip())
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

    def check_page(
        self, text: str, response: Response, *, allowed_scripts: int = SITE_SCRIPTS
    ) -> None:
        if findings := page_findings(response.content.decode(), allowed_scripts=allowed_scripts):
            self.problem(text, "executable content in the page: " + "; ".join(findings))
        if problem := policy_problem(response):
            self.problem(text, f"{response.status_code} answer: {problem}")

    def check_refusal(
        self, text: str, response: Response, *, allowed_scripts: int = SITE_SCRIPTS
    ) -> None:
        self.refused.append(text)
        if not visible_errors(response.content.decode()):
            self.problem(text, f"refused ({response.status_code}) without a visible message")
        # The refusal hands the text back to be corrected: that page shows it too.
        self.check_page(text, response, allowed_scripts=allowed_scripts)

    def assert_clean(self) -> None:
        assert self.stored, "no string was stored: nothing was rendered, nothing is proven"
        if self.problems:
            # pytest.fail, not assert: the list is the message, without a rewritten repeat.
            pytest.fail(
                f"{len(self.problems)} problems ({len(self.stored)} stored, "
                f"{len(self.refused)} refused):\n" + "\n".join(self.problems[:PROBLEMS_SHOWN]),
                pytrace=False,
            )


def post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Response | Exception:
    """The response, or the exception a server error raised. The savepoint keeps one crash
    from aborting PostgreSQL's transaction for every string after it."""
    try:
        with transaction.atomic():
            return client.post(url, data, **extra)
    except Exception as error:  # a crash is a finding, reported with the rest
        return error


def unexpected(response: Response | Exception, *, stored: int) -> str | None:
    """Why ``response`` is neither a store nor a refusal, or None if it is one of them."""
    if isinstance(response, Exception):
        return f"server error {type(response).__name__}: {str(response)[:200]}"
    status = response.status_code
    if status in REDIRECTS or status == 200:
        return None if stored == 1 else f"answered {status} but stored {stored}"
    if 400 <= status < 500:
        return None if stored == 0 else f"refused ({status}) but stored {stored}"
    return f"status {status}"


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
        if problem := unexpected(response, stored=Comment.objects.count() - before):
            outcomes.problem(text, problem)
            continue
        assert not isinstance(response, Exception)
        if response.status_code >= 400:
            outcomes.check_refusal(text, response, allowed_scripts=0 if htmx else SITE_SCRIPTS)
            continue
        outcomes.stored.append(text)
        if not text.strip():
            outcomes.problem(text, "blank comment stored")
        if response.status_code not in ((200,) if htmx else REDIRECTS):
            outcomes.problem(text, f"stored, but answered {response.status_code}")
        elif htmx:
            if not with_class(tree(response.content), "article", "comment"):
                outcomes.problem(text, "the htmx answer has no comment in it")
            outcomes.check_page(text, response, allowed_scripts=0)

    # Every comment on one page: as readers see it, and as its author does (with edit links,
    # and those the spam scorer sent to the review queue, which only the author sees).
    visible = Comment.objects.filter(story=story, status=Comment.Status.VISIBLE).count()
    for viewer, expected in ((client, visible), (member_client, len(outcomes.stored))):
        page = viewer.get(story.get_absolute_url() + "?threads=5000")  # every thread
        assert page.status_code == 200
        outcomes.check_page("<story page>", page)
        assert len(with_class(tree(page.content), "article", "comment")) == expected
    profile = client.get(member.profile.get_absolute_url())
    assert profile.status_code == 200
    outcomes.check_page("<profile page>", profile)
    shown = with_class(tree(profile.content), "article", "profile-comment")
    assert len(shown) == min(visible, PROFILE_COMMENTS_SHOWN)
    outcomes.assert_clean()


def _commenters(story: Story, count: int) -> list[tuple[User, Client]]:
    """Members with one comment each on ``story``, whose page then shows all their names."""
    pool = []
    for n in range(count):
        user = member_create(
            email=f"hostile{n}@example.test",
            password=None,
            handle=f"hostile{n}",
            display_name=f"Hostile {n}",
        )
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
            # The bio rides along: more member text on the same profile page.
            response = post(member_client, url, {"display_name": text, "bio": text})
            after = Profile.objects.get(user=user)
            saved = (after.display_name, after.bio) != (before.display_name, before.bio)
            if not isinstance(response, Exception) and response.status_code in REDIRECTS:
                # Saving the name a member already has changes nothing and is still a save.
                saved = (after.display_name, after.bio) == (
                    normalize_display_name(text),
                    text.strip(),
                )
            if problem := unexpected(response, stored=int(saved)):
                outcomes.problem(text, f"{problem}; now {after.display_name!r}")
                continue
            assert not isinstance(response, Exception)
            if response.status_code >= 400:
                outcomes.check_refusal(text, response)
                continue
            outcomes.stored.append(text)
            if not text.strip():
                outcomes.problem(text, "blank display name stored")
            renamed.append(after)

        # A rename does not bump the story's revision, under which its comment section may be
        # cached (discussion/rendering.py): render from empty caches to show the new names.
        cache.clear()
        clear_all()
        page = client.get(story.get_absolute_url())
        assert page.status_code == 200
        outcomes.check_page("<story page>", page)
        names = dict(Profile.objects.values_list("user_id", "display_name"))
        shown = [
            span.text_content()
            for article in with_class(tree(page.content), "article", "comment")
            for span in with_class(article, "span", "display-name")
        ]
        # Escaped, not mangled: each name reads on the page exactly as it was saved.
        assert shown == [names[user.pk] for user, _client in pool]
        for profile in renamed:
            profile_page = client.get(profile.get_absolute_url())
            assert profile_page.status_code == 200
            outcomes.check_page(profile.display_name, profile_page)
            heading = tree(profile_page.content).xpath("//h1")
            assert [h.text_content() for h in heading] == [profile.display_name]
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
        if problem := unexpected(response, stored=Story.objects.count() - before):
            outcomes.problem(text, problem)
            continue
        assert not isinstance(response, Exception)
        if response.status_code >= 400:
            outcomes.check_refusal(text, response)
            continue
        if response.status_code not in REDIRECTS:
            outcomes.problem(text, f"saved, but answered {response.status_code}")
            continue
        outcomes.stored.append(text)
        if not text.strip():
            outcomes.problem(text, "blank body stored")
        # What readers see: the story page the form redirected to, without a session.
        page = client.get(response["Location"])
        if page.status_code != 200:
            outcomes.problem(text, f"the story page answered {page.status_code}")
            continue
        if not with_class(tree(page.content), "div", "story-body"):
            outcomes.problem(text, "the story page has no body")
        outcomes.check_page(text, page)
    outcomes.assert_clean()


@pytest.mark.parametrize(
    "snippet",
    [
        '<p><a href="java\tscript:alert(1)">x</a></p>',
        '<p><a href=" JaVaScRiPt:alert(1)">x</a></p>',
        '<a href="vbscript:msgbox(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        '<div hx-on:click="alert(1)">x</div>',
        "<script>alert(1)</script>",
        '<script src="/static/masthead/masthead.js">alert(1)</script>',
        '<script src="https://evil.example/x.js"></script>',
        # Data blocks pass only as the site writes them: JSON, no "<", no src, the exact type.
        '<script type="application/ld+json">alert(1)</script>',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<script type="application/ld+json">{"a": "<!--"}</script>',
        '<script type="application/ld+json" src="https://evil.example/x.js">{}</script>',
        '<script type="text/javascript">{"a": 1}</script>',
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
        '<embed src="x.swf">',
        '<frameset><frame src="x"></frameset>',
        '<base href="https://evil.example/">',
        "<style>body{}</style>",
        '<meta http-equiv="Refresh" content="0;url=https://evil.example/">',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<form action="javascript:alert(1)"><button>x</button></form>',
        '<button formaction="javascript:alert(1)">x</button>',
    ],
)
def test_the_check_sees_what_it_hunts(snippet: str) -> None:
    """A check that finds nothing proves nothing: each parser must flag each of these."""
    for name, parse in PARSERS.items():
        assert executable_findings(parse(snippet), allowed_scripts=0), name
    with pytest.raises(AssertionError, match="executable content"):
        assert_nothing_executable(snippet, allowed_scripts=0)


def test_a_json_ld_data_block_is_not_executable() -> None:
    """The story page's JSON-LD, escaped as core/jinja.py writes it, is data to both parsers."""
    block = '<script type="application/ld+json">{"headline": "\\u003C/script\\u003E"}</script>'
    for name, parse in PARSERS.items():
        assert not executable_findings(parse(block), allowed_scripts=0), name


def _policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        if words := part.split():
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def policy_problem(response: Response) -> str | None:
    header = response.headers.get("Content-Security-Policy")
    if not header:
        return "no Content-Security-Policy header"
    policy = _policy(header)
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None:
        return f"neither script-src nor default-src in {header!r}"
    # A policy that lets inline or injected script run would not stop what the tests above hunt.
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
    new_story = reverse("stories:new", kwargs={"channel": story.channel.slug})
    # name: (response, expected status, the site's scripts it carries; None for the admin's
    # pages, which load Django's own scripts)
    pages: dict[str, tuple[Response, int, int | None]] = {
        "front": (client.get(reverse("pages:front")), 200, SITE_SCRIPTS),
        "channel": (client.get(story.channel.get_absolute_url()), 200, SITE_SCRIPTS),
        "section": (client.get(story.section.get_absolute_url()), 200, SITE_SCRIPTS),
        "story": (client.get(story.get_absolute_url()), 200, SITE_SCRIPTS),
        "story, for a member": (member_client.get(story.get_absolute_url()), 200, SITE_SCRIPTS),
        "profile": (client.get(member.profile.get_absolute_url()), 200, SITE_SCRIPTS),
        "profile settings": (
            member_client.get(reverse("accounts:profile_edit")),
            200,
            SITE_SCRIPTS,
        ),
        "login": (client.get(reverse("account_login")), 200, SITE_SCRIPTS),
        "signup": (client.get(reverse("account_signup")), 200, SITE_SCRIPTS),
        "404": (client.get("/no/such/page/here/"), 404, SITE_SCRIPTS),
        "404 from a view": (client.get("/nosuchchannel/"), 404, SITE_SCRIPTS),
        "403": (member_client.get(new_story), 403, SITE_SCRIPTS),
        "admin login": (client.get(reverse("admin:login")), 200, None),
        "htmx comment post": (member_client.post(comments, {"body": "Policy"}, **HTMX), 200, 0),
        "htmx refused comment": (member_client.post(comments, {"body": " "}, **HTMX), 422, 0),
    }
    problems = []
    for name, (response, status, scripts) in pages.items():
        if response.status_code != status:
            problems.append(f"{name}: status {response.status_code}, expected {status}")
        if problem := policy_problem(response):
            problems.append(f"{name}: {problem}")
        # The site's own pages pass the check the hostile tests rely on: a finding there is
        # the check misfiring, not an attack.
        if scripts is not None:
            findings = page_findings(response.content.decode(), allowed_scripts=scripts)
            problems.extend(f"{name}: {finding}" for finding in findings)
    assert not problems, "\n".join(problems)
