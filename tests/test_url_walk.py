"""Every URL of the project, as every role, with ids that are someone else's: no 5xx.

The walk reads the URL map itself (ours, allauth's and the admin's), so a pattern is walked
as soon as it exists. Each pattern's parameters are filled with real objects of another
member or channel, a missing id, an overlong id and a malformed one; each URL is asked with
GET, GET with a hostile query string, and POST with an empty body (the test client sends no
CSRF token and is not checked for one), each request rolled back so the next sees the same
world. A pattern that has parameters but no filler fails the test by name until it gets one
(or an entry in NOT_WALKED saying why).

Any status below 500 passes: the point is that no request, however wrong, breaks a page.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.http import int_to_base36
from django.utils.regex_helper import normalize
from PIL import Image

from masthead.accounts.models import User
from masthead.accounts.tests.factories import MemberFactory
from masthead.api.services import access_token_create
from masthead.channels.models import Channel, ChannelRole
from masthead.channels.services import follow_set, role_grant, site_moderator_set
from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.core.localcache import clear_all
from masthead.discussion.models import CommentReport
from masthead.discussion.services import (
    comment_create,
    comment_delete,
    comment_hide,
    comment_remove,
    comment_report,
    reaction_toggle,
)
from masthead.feeds.services import feed_token_get_or_create
from masthead.ingest.models import Candidate, Item
from masthead.ingest.services import feed_add, item_find_or_create
from masthead.moderation.models import Ban
from masthead.moderation.services import ban_create, word_rule_add
from masthead.notifications.mail import unsubscribe_token
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish, story_withdraw
from masthead.stories.tests.factories import SourceFactory, StoryFactory

MISSING_ID = 987_654  # fits every id column, names no row
OVERLONG_ID = 2**64  # fits the URL pattern, not any integer column
MISSING_PUBLIC_ID = "AAAAAAAAAAAAAAAAAAAAAA"  # canonical, names no story
NONCANONICAL_PUBLIC_ID = "AAAAAAAAAAAAAAAAAAAAAB"  # 22 characters, but not a UUID's spelling
MISSING_SLUG = "no-such-channel"
HOSTILE_QUERY = (
    "?page=-1x&status=%00bogus&offset=-99999999999999999999999&limit=x&sort=%27%22"
    "&threads=1,x,99999999999999999999999&show=bogus&author=%00&after=not-a-time"
    "&next=//evil.example/&cursor=%ff"
)
# Digits to str.isdigit() that int() refuses or misreads (superscript two, Arabic-Indic three),
# under every name a view reads a number from.
HOSTILE_DIGITS = "?" + "&".join(
    f"{name}=%C2%B2%D9%A3"
    for name in ("page", "comment", "threads", "offset", "limit", "before", "after", "pk", "id")
)

# Patterns with parameters that are deliberately not walked, and why.
NOT_WALKED: dict[str, str] = {}

ROLES = (
    "anonymous",
    "member",
    "curator_elsewhere",
    "curator",
    "moderator_elsewhere",
    "moderator",
    "owner",
    "site_moderator",
    "staff",
)


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the route for an unnamed pattern
    regex: str  # the whole path, anchored at the start
    params: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def is_ours(self) -> bool:
        return not self.is_admin and not self.name.startswith("account_")

    def url(self, kwargs: dict[str, Any]) -> str | None:
        """The path for ``kwargs``, or None if they do not fit (as ``reverse`` would refuse)."""
        for form, names in normalize(self.regex.removeprefix("^")):
            if set(names) != set(kwargs):
                continue
            text = form % {name: str(value) for name, value in kwargs.items()}
            if re.search(self.regex, text):
                return "/" + quote(text, safe="/~:@!$&'()*+,;=-._")
        return None


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(entries: list[Any], regex: str, namespace: str) -> None:
        for entry in entries:
            part = entry.pattern.regex.pattern.removeprefix("^")
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, regex + part, inner)
            elif isinstance(entry, URLPattern):
                full = "^" + regex + part
                name = f"{namespace}{entry.name}" if entry.name else f"{namespace}{full}"
                params = frozenset(re.compile(full).groupindex)
                found.append(Pattern(name=name, regex=full, params=params))

    walk(get_resolver().url_patterns, "", "")
    return found


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


class World:
    """Two channels, A (whose team the roles are on) and B, with everything a URL can name:
    stories in every state, comments in every state by a member who is none of the roles,
    feeds, candidates, bans, word rules and team roles."""

    def __init__(self) -> None:
        self.users = {role: self._member(role) for role in ROLES if role != "anonymous"}
        self.writer = self._member("writer")
        self.banned = self._member("banned")
        self.owner_b = self._member("owner_b")
        self.a = ChannelFactory(slug="channel-a", name="Channel A")
        self.b = ChannelFactory(slug="channel-b", name="Channel B")
        self.a_section = SectionFactory(channel=self.a, slug="news", name="News")
        self.b_section = SectionFactory(channel=self.b, slug="sport", name="Sport")
        grants = [
            ("curator", self.a, ChannelRole.Role.CURATOR),
            ("curator_elsewhere", self.b, ChannelRole.Role.CURATOR),
            ("moderator", self.a, ChannelRole.Role.MODERATOR),
            ("moderator_elsewhere", self.b, ChannelRole.Role.MODERATOR),
            ("owner", self.a, ChannelRole.Role.OWNER),
        ]
        for role, channel, kind in grants:
            role_grant(actor=None, channel=channel, user=self.users[role], role=kind)
        role_grant(actor=None, channel=self.b, user=self.owner_b, role=ChannelRole.Role.OWNER)
        site_moderator_set(actor=None, user=self.users["site_moderator"], value=True)
        User.objects.filter(pk=self.users["staff"].pk).update(is_staff=True, is_superuser=True)
        self.a_roles = list(ChannelRole.objects.filter(channel=self.a))
        self.b_roles = list(ChannelRole.objects.filter(channel=self.b))
        self._stories()
        self._comments()
        self._ingest()
        self._moderation()
        follow_set(actor=self.writer, channel=self.a, following=True)

    def _member(self, role: str) -> User:
        handle = f"the_{role}"[:30]  # some role names ("curator", "staff") are reserved handles
        return MemberFactory(handle=handle, display_name=role.title())

    def _stories(self) -> None:
        self.story = story_create(
            actor=None,
            channel=self.a,
            section=self.a_section,
            headline="Harbour Council Votes",
            body="<p>The council met.</p>",
            time_zone="UTC",
            image=_jpeg(),
            image_caption="The harbour",
            comments_open=True,
        )
        self.story = story_publish(actor=None, story=self.story)
        self.draft = StoryFactory(section=self.a_section, status=Story.Status.DRAFT)
        self.scheduled = StoryFactory(
            section=self.a_section,
            status=Story.Status.SCHEDULED,
            published_at=timezone.now() + dt.timedelta(days=1),
        )
        self.withdrawn = StoryFactory(section=self.a_section)
        self.withdrawn = story_withdraw(actor=None, story=self.withdrawn, reason="Wrong facts")
        self.curated = StoryFactory(
            section=self.a_section,
            kind=Story.Kind.CURATED,
            source=SourceFactory(),
            original_url="https://ledger.example/ferry",
        )
        self.b_story = StoryFactory(section=self.b_section)

    def _comments(self) -> None:
        owner, other = self.users["owner"], self.users["member"]
        self.comment, _ = comment_create(actor=self.writer, story=self.story, body="First.")
        self.reply, _ = comment_create(
            actor=self.writer, story=self.story, body="Second.", parent=self.comment
        )
        self.hidden, _ = comment_create(actor=self.writer, story=self.story, body="Hidden.")
        comment_hide(actor=owner, comment=self.hidden)
        self.removed, _ = comment_create(actor=self.writer, story=self.story, body="Removed.")
        comment_remove(actor=owner, comment=self.removed, reason="Off topic")
        self.deleted, _ = comment_create(actor=self.writer, story=self.story, body="Deleted.")
        comment_delete(actor=self.writer, comment=self.deleted)
        comment_report(actor=other, comment=self.comment, reason=CommentReport.Reason.SPAM)
        reaction_toggle(actor=other, comment=self.comment)
        self.b_comment, _ = comment_create(actor=self.writer, story=self.b_story, body="Elsewhere.")
        self.comments = [self.comment, self.reply, self.hidden, self.removed, self.deleted]

    def _ingest(self) -> None:
        self.a_feed, _ = feed_add(actor=None, channel=self.a, url="https://ledger.example/feed")
        self.b_feed, _ = feed_add(actor=None, channel=self.b, url="https://ledger.example/sport")
        self.a_candidate = self._candidate(self.a, "https://ledger.example/one", Item.Fetch.DONE)
        self.a_waiting = self._candidate(self.a, "https://ledger.example/two", Item.Fetch.QUEUED)
        self.b_candidate = self._candidate(self.b, "https://ledger.example/three", Item.Fetch.DONE)

    def _candidate(self, channel: Channel, url: str, state: str) -> Candidate:
        item, _ = item_find_or_create(url=url, title=f"Story at {url}")
        Item.objects.filter(pk=item.pk).update(fetch_state=state)
        return Candidate.objects.create(channel=channel, item=item, feed=None)

    def _moderation(self) -> None:
        self.a_word = word_rule_add(
            actor=self.users["owner"], channel=self.a, phrase="ferrymen", kind="suspect"
        )
        self.b_word = word_rule_add(
            actor=self.owner_b, channel=self.b, phrase="oars", kind="banned"
        )
        self.a_ban = ban_create(
            actor=self.users["owner"],
            user=self.banned,
            channel=self.a,
            kind=Ban.Kind.READ_ONLY,
            reason="Spam",
        )
        self.b_ban = ban_create(
            actor=self.owner_b, user=self.banned, channel=self.b, kind=Ban.Kind.FULL, reason="Abuse"
        )


def _ids(*objects: Any) -> list[Any]:
    return [item.pk for item in objects] + [MISSING_ID, OVERLONG_ID]


def _in_channel(channel: str, objects: list[Any], own: Channel, other: Any) -> list[dict[str, Any]]:
    """``channel`` with ids of its own objects, another channel's, missing and overlong ones;
    another channel with its own object; and a missing channel."""
    cases: list[dict[str, Any]] = [{channel: own.slug, "pk": pk} for pk in _ids(*objects, other)]
    cases.append({channel: other.channel.slug, "pk": other.pk})
    cases.append({channel: MISSING_SLUG, "pk": objects[0].pk})
    return cases


def fillers(w: World) -> dict[str, list[dict[str, Any]]]:
    channels = [{"channel": slug} for slug in (w.a.slug, w.b.slug, MISSING_SLUG)]
    stories = [w.story, w.draft, w.scheduled, w.withdrawn, w.curated, w.b_story]
    public_ids = [s.public_key for s in stories] + [MISSING_PUBLIC_ID, NONCANONICAL_PUBLIC_ID]
    by_story = [{"public_id": key} for key in public_ids]
    in_a = [{"channel": w.a.slug, "public_id": key} for key in public_ids]
    in_a += [{"channel": w.b.slug, "public_id": w.story.public_key}]
    in_a += [{"channel": MISSING_SLUG, "public_id": w.story.public_key}]
    comments = [{"pk": pk} for pk in _ids(*w.comments, w.b_comment)]
    story_pages = [
        {
            "channel": s.channel.slug,
            "section": s.section.slug,
            "slug": s.slug,
            "public_id": s.public_key,
        }
        for s in stories
    ]
    story_pages += [
        {"channel": w.a.slug, "section": w.a_section.slug, "public_id": w.story.public_key},
        {
            "channel": w.a.slug,
            "section": w.a_section.slug,
            "slug": "nul\x00",
            "public_id": w.story.public_key,
        },
        {
            "channel": w.a.slug,
            "section": "other-words",
            "slug": "x",
            "public_id": w.story.public_key,
        },
        {
            "channel": w.a.slug,
            "section": w.a_section.slug,
            "slug": "x",
            "public_id": w.b_story.public_key,
        },
        {
            "channel": w.b.slug,
            "section": w.b_section.slug,
            "slug": "x",
            "public_id": w.story.public_key,
        },
        {"channel": MISSING_SLUG, "section": "x", "public_id": MISSING_PUBLIC_ID},
        {"channel": w.a.slug, "section": "x", "public_id": NONCANONICAL_PUBLIC_ID},
    ]
    team = _in_channel("channel", w.a_roles, w.a, w.b_roles[0])
    sections = [
        {"channel": w.a.slug, "section": w.a_section.slug},
        {"channel": w.a.slug, "section": w.b_section.slug},
        {"channel": MISSING_SLUG, "section": w.a_section.slug},
    ]
    writer = w.writer
    feed_tokens = [
        {"token": feed_token_get_or_create(actor=writer, member=writer).token},
        {"token": "A" * 32},
        {"token": "nul\x00" + "A" * 20},
    ]
    feeds: dict[str, list[dict[str, Any]]] = {}
    for kind in ("rss", "atom", "json"):
        feeds[f"feeds:channel_{kind}"] = channels
        feeds[f"feeds:section_{kind}"] = sections
        feeds[f"feeds:followed_{kind}"] = feed_tokens
    api_comments = [{"comment_id": pk} for pk in _ids(*w.comments, w.b_comment)]
    api_comments += [{"comment_id": "x"}, {"comment_id": "-1"}, {"comment_id": "0"}]
    api_channels = [{"slug": slug} for slug in (w.a.slug, w.b.slug, MISSING_SLUG, "Not_A_Slug")]
    tokens = [
        access_token_create(actor=u, member=u, name="walk", scope="write")[0]
        for u in (w.writer, w.users["member"])
    ]
    api: dict[str, list[dict[str, Any]]] = {
        "api_token_revoke": [{"pk": pk} for pk in _ids(*tokens)],
        "api:channel_get": api_channels,
        "api:follow": api_channels,
        "api:follow_delete": api_channels,
        "api:story_get": by_story,
        "api:comment_list": by_story,
        **{
            f"api:{name}": api_comments
            for name in [
                "comment_get",
                "comment_edit",
                "comment_delete",
                "comment_reaction",
                "reaction_delete",
                "comment_reports",
            ]
        },
        "api:profile_get": [
            {"handle": h} for h in ("the_writer", "@the_banned", "nobody_here", "not a handle")
        ],
        "api_unknown": [{"rest": "v1/no/such/thing"}, {"rest": "v2/stories"}],
    }
    return {
        **feeds,
        **api,
        "discovery:channel": channels,
        "discussion:post": by_story,
        "discussion:story_comments": by_story,
        "discussion:threads": by_story,
        **{
            f"discussion:{name}": comments
            for name in [
                "reply",
                "edit",
                "delete",
                "approve",
                "hide",
                "restore",
                "feature",
                "unfeature",
                "lock",
                "unlock",
                "remove",
                "react",
                "report",
            ]
        },
        "discussion:queue": channels,
        "moderation:log": channels,
        "moderation:rules": channels,
        "moderation:word_add": channels,
        "moderation:ban_add": channels,
        "moderation:word_remove": _in_channel("channel", [w.a_word], w.a, w.b_word),
        "moderation:ban_lift": _in_channel("channel", [w.a_ban], w.a, w.b_ban),
        "channels:team": channels,
        "channels:follow": channels,
        "channels:team_remove": team,
        "notifications:unsubscribe": [
            {"token": unsubscribe_token(w.writer.pk, "reply")},
            {"token": unsubscribe_token(w.writer.pk, "no-such-kind")},
            {"token": unsubscribe_token(MISSING_ID, "reply")},
            {"token": "not-a-token"},
            {"token": "nul\x00"},
            {"token": unsubscribe_token(w.writer.pk, "reply")[:-3] + "AAA"},
        ],
        "stories:desk": channels,
        "stories:new": channels,
        "stories:curate": channels,
        "stories:edit": in_a,
        "stories:withdraw": in_a,
        "stories:pin": in_a,
        "stories:unpin": in_a,
        "ingest:queue": channels,
        "ingest:submit": channels,
        "ingest:dismiss": channels,
        "ingest:candidate": _in_channel(
            "channel", [w.a_candidate, w.a_waiting], w.a, w.b_candidate
        ),
        "ingest:refetch": _in_channel("channel", [w.a_candidate, w.a_waiting], w.a, w.b_candidate),
        "ingest:feeds": channels,
        "ingest:feed": _in_channel("channel", [w.a_feed], w.a, w.b_feed),
        "ingest:opml_import": channels,
        "ingest:opml_export": channels,
        "pages:channel_members": channels,
        "pages:profile": [
            {"handle": h} for h in ("the_writer", "the_banned", "the_member", "nobody_here")
        ],
        "pages:channel": channels,
        "pages:section": sections,
        "pages:story": story_pages,
        "media": [
            {"path": w.story.image.name},
            {"path": "stories/missing.jpg"},
            {"path": "../../etc/passwd"},
            {"path": "%00"},
            {"path": "stories/\x00.jpg"},
        ],
        "account_confirm_email": [{"key": "not-a-key"}, {"key": "MQ:1abc:xyz"}],
        "account_reset_password_from_key": [
            {"uidb36": int_to_base36(w.writer.pk), "key": "set-password"},
            {"uidb36": int_to_base36(w.writer.pk), "key": "not-a-key"},
            {"uidb36": "zzzzzzzzzzzzzzzzzz", "key": "x"},
        ],
    }


def admin_cases(pattern: Pattern) -> list[dict[str, Any]] | None:
    """The admin's patterns, filled from what their route names: an object of the model, a
    missing one, a malformed one."""
    params = pattern.params
    if params == {"url"}:  # the catch-all: a 404 for staff, the log-in page for others
        return [{"url": "no/such/page/"}, {"url": "accounts/user/x/y/z"}]
    if params == {"app_label"}:
        return [{"app_label": label} for label in {m._meta.app_label for m in admin.site._registry}]
    if params == {"content_type_id", "object_id"}:
        story_type = ContentType.objects.get_for_model(Story).pk
        story = Story.objects.order_by("pk").first()
        return [
            {"content_type_id": story_type, "object_id": story.pk if story else MISSING_ID},
            {"content_type_id": story_type, "object_id": MISSING_ID},
            {"content_type_id": MISSING_ID, "object_id": 1},
            {"content_type_id": "x", "object_id": "y"},
        ]
    key = next(iter(params)) if len(params) == 1 else None
    route = re.match(r"\^admin/(\w+)/(\w+)/", pattern.regex)
    if key not in {"object_id", "id"} or route is None:
        return None
    model = next(
        (
            m
            for m in admin.site._registry
            if (m._meta.app_label, m._meta.model_name) == route.groups()
        ),
        None,
    )
    if model is None:
        return None
    last = model._default_manager.order_by("pk").last()
    values: list[Any] = [last.pk] if last is not None else []
    return [{key: value} for value in [*values, MISSING_ID, OVERLONG_ID, "x", "\u00b2"]]


@dataclass
class Failure:
    role: str
    method: str
    url: str
    status: int
    error: str

    def __str__(self) -> str:
        return f"{self.role:20} {self.method:5} {self.url} -> {self.status} {self.error}"


def _error_of(response: Any) -> str:
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    frames = [f for f in traceback.extract_tb(info[2]) if "/masthead/" in f.filename]
    where = (
        f" at {frames[-1].filename.split('/masthead/')[-1]}:{frames[-1].lineno}" if frames else ""
    )
    return f"{info[0].__name__}: {info[1]}{where}"


@override_settings(MASTHEAD_RATE_LIMITS_ENABLED=False)
class URLWalk(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def requests(self, role: str) -> Iterator[tuple[str, str]]:
        """(method, url) for every pattern; fails the test for a pattern it cannot fill."""
        table = fillers(self.world)
        unfilled = []
        for pattern in url_patterns():
            if pattern.name in NOT_WALKED:
                continue
            if not pattern.params:
                cases: list[dict[str, Any]] | None = [{}]
            elif pattern.is_admin:
                cases = admin_cases(pattern)
            else:
                cases = table.get(pattern.name)
            urls = [u for u in (pattern.url(case) for case in cases or []) if u is not None]
            if not urls:
                unfilled.append(pattern.name)
                continue
            if pattern.is_admin and role != "staff":
                # The admin sends everyone but staff to its log-in page before it reads an id.
                urls = urls[:1]
            if pattern.is_ours:  # the query string is read the same whatever the ids
                yield "GET", urls[0] + HOSTILE_QUERY
                yield "GET", urls[0] + HOSTILE_DIGITS
            for number, url in enumerate(urls):
                yield "GET", url
                # The admin's own code handles a missing or malformed id the same for both.
                if number == 0 or not pattern.is_admin:
                    yield "POST", url
        assert not unfilled, f"URL patterns with no filler (add one to fillers()): {unfilled}"

    def walk(self, role: str) -> None:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(self.world.users[role])
        cookies = SimpleCookie(client.cookies.output(header="", sep=";"))
        failures: list[Failure] = []
        quiet = logging.getLogger("django")
        level, quiet.level = quiet.level, logging.CRITICAL
        try:
            for method, url in self.requests(role):
                client.cookies = SimpleCookie(cookies.output(header="", sep=";"))
                response = self._ask(client, method, url)
                if response.status_code >= 500:
                    failures.append(
                        Failure(role, method, url, response.status_code, _error_of(response))
                    )
        finally:
            quiet.level = level
        assert not failures, "\n" + "\n".join(str(failure) for failure in failures)

    def _ask(self, client: Client, method: str, url: str) -> Any:
        """One request, rolled back with whatever it wrote, caches included."""
        savepoint = transaction.savepoint()
        try:
            if method == "GET":
                return client.get(url)
            return client.post(url)
        finally:
            transaction.savepoint_rollback(savepoint)
            if method == "POST":
                cache.clear()
                clear_all()

    def test_anonymous(self) -> None:
        self.walk("anonymous")

    def test_member(self) -> None:
        self.walk("member")

    def test_curator_of_another_channel(self) -> None:
        self.walk("curator_elsewhere")

    def test_curator(self) -> None:
        self.walk("curator")

    def test_moderator_of_another_channel(self) -> None:
        self.walk("moderator_elsewhere")

    def test_channel_moderator(self) -> None:
        self.walk("moderator")

    def test_owner(self) -> None:
        self.walk("owner")

    def test_site_moderator(self) -> None:
        self.walk("site_moderator")

    def test_staff(self) -> None:
        self.walk("staff")


def test_every_pattern_with_parameters_has_a_filler_or_a_reason() -> None:
    """The walk's own guard, without a database: NOT_WALKED names only patterns that exist."""
    names = {pattern.name for pattern in url_patterns()}
    assert set(NOT_WALKED) <= names
