"""`masthead import`: text captures of story pages, WARC archives of article pages, OPML
lists of feeds, each turned into stories or subscriptions of one channel.

Every file is read as a series of records with a stable key (a capture's content hash, an
archived page's canonical URL, a feed's URL). A record is prepared first, with no transaction
open (an archived page's extraction, its photo decoded and stored), then written in a
transaction of its own and remembered (ImportRecord), so running an import again creates
nothing twice and an interrupted import picks up where it stopped.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from masthead.accounts.models import Profile, User
from masthead.accounts.services import member_create
from masthead.channels.models import Channel, Section
from masthead.core.canonical import canonical_url
from masthead.core.timefmt import zone_name_for
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create
from masthead.stories.models import Story
from masthead.stories.services import (
    LeadPhoto,
    domain_of,
    lead_photo,
    lead_photo_discard,
    story_create,
    story_publish,
)

from .capture import Capture, CaptureError, body_html, looks_like_capture, parse_capture
from .extract import extract
from .feeds import FeedError, OpmlOutline, parse_opml
from .models import Feed, ImportRecord
from .services import feed_add

CAPTURE_NAMESPACE = uuid.UUID("2f6b9a1e-6c1d-4b8e-9e3a-4f1c2d3b5a69")
IMPORTED_EMAIL_DOMAIN = "imported.invalid"  # reserved (RFC 2606): these accounts get no mail
HTML_TYPES = ("text/html", "application/xhtml+xml")


class ImportFailed(Exception):
    """A record that could not be imported; the message says why."""


@dataclass
class Prepared:
    """A record ready to write: ``write`` runs inside the record's transaction."""

    write: Callable[[], ImportRecord]
    photo: LeadPhoto | None = None  # stored already; deleted again if no story takes it


@dataclass
class Record:
    key: str  # the record's identity within the channel
    label: str  # how the summary names it
    # The slow work (extracting, decoding a photo), outside any transaction: on SQLite one
    # holds the whole database's write lock.
    prepare: Callable[[], Prepared]


def detect(path: Path) -> str:
    """The file's format from its content: "capture", "warc" or "opml"."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head[:2] == b"\x1f\x8b":
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(head)).read(4096)
        except (OSError, EOFError):
            head = gzip.decompress(path.read_bytes())[:4096]
    if head.startswith(b"WARC/"):
        return "warc"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "<opml" in text[:2000].lower():
        return "opml"
    if looks_like_capture(text):
        return "capture"
    raise ImportFailed(
        _("%(file)s is not a text capture, a WARC file or an OPML list.") % {"file": path.name}
    )


def records(path: Path, *, channel: Channel, section: Section | None) -> Iterator[Record]:
    kind = detect(path)
    if kind == "capture":
        yield from _capture_records(path, channel=channel, section=section)
    elif kind == "warc":
        yield from _warc_records(path, channel=channel, section=section)
    else:
        yield from _opml_records(path, channel=channel)


def done(channel: Channel, key: str) -> ImportRecord | None:
    """A record an earlier run created or found present (failed ones are tried again)."""
    return (
        ImportRecord.objects.filter(channel=channel, key=key)
        .exclude(outcome=ImportRecord.Outcome.FAILED)
        .select_related("story")
        .first()
    )


def remember(
    channel: Channel,
    key: str,
    outcome: str,
    *,
    story: Story | None = None,
    detail: str = "",
    feed: Feed | None = None,
) -> ImportRecord:
    record, _created = ImportRecord.objects.update_or_create(
        channel=channel,
        key=key,
        defaults={"outcome": outcome, "story": story, "detail": detail[:2000], "feed": feed},
    )
    return record


def _section(channel: Channel, section: Section | None) -> Section:
    chosen = section or channel.sections.order_by("position", "pk").first()
    if chosen is None:
        raise ImportFailed(
            _("The channel %(channel)s has no section to put stories in.")
            % {"channel": channel.slug}
        )
    return chosen


# --- text captures ----------------------------------------------------------------------------


def _capture_records(path: Path, *, channel: Channel, section: Section | None) -> Iterator[Record]:
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8")
    key = "capture:" + hashlib.sha256(text.encode()).hexdigest()[:40]

    def prepare() -> Prepared:
        try:
            capture = parse_capture(text)
        except CaptureError as error:
            raise ImportFailed(str(error)) from error

        def write() -> ImportRecord:
            story = _story_from_capture(
                capture, channel=channel, section=_section(channel, section), key=key
            )
            return remember(channel, key, ImportRecord.Outcome.CREATED, story=story)

        return Prepared(write)

    yield Record(key=key, label=path.name, prepare=prepare)


def _story_from_capture(capture: Capture, *, channel: Channel, section: Section, key: str) -> Story:
    public_id = uuid.uuid5(CAPTURE_NAMESPACE, f"{channel.pk}:{key}")
    existing = Story.objects.filter(public_id=public_id).first()
    if existing is not None:
        return existing
    # A capture records that the story linked to a full article, not where: without the
    # address the story cannot be a curated one, so it is kept as the channel's own.
    story = story_create(
        actor=None,
        channel=channel,
        section=section,
        kind=Story.Kind.ORIGINAL,
        public_id=public_id,
        headline=capture.headline,
        byline=capture.byline,
        time_zone=capture.time_zone,
        body=body_html(capture),
        excerpt=next((text for tag, text in capture.blocks if tag == "p"), "")[:600],
        image_caption=capture.image_caption,
        image_credit=capture.image_credit,
    )
    story = story_publish(actor=None, story=story, at=capture.published)
    threads: dict[int, Comment] = {}
    for captured in capture.comments:
        author = _imported_member(captured.handle, captured.display_name)
        parent = threads.get(captured.thread) if captured.position > 1 else None
        comment, _created = comment_create(
            actor=author, story=story, body=captured.body, parent=parent
        )
        if captured.position == 1:
            threads[captured.thread] = comment
    return story


def _imported_member(handle: str, display_name: str) -> User:
    """The account that speaks for a commenter of an imported page: the one made by an earlier
    import, or a new one that cannot log in. A real member's handle is never borrowed."""
    profile = Profile.objects.filter(handle__lower=handle.lower()).select_related("user").first()
    if profile is not None:
        if profile.user.email.endswith("@" + IMPORTED_EMAIL_DOMAIN):
            return profile.user
        raise ImportFailed(
            _(
                "The handle @%(handle)s belongs to a member here; the imported "
                "comment is not put under their name."
            )
            % {"handle": handle}
        )
    try:
        return member_create(
            email=f"{handle.lower()}@{IMPORTED_EMAIL_DOMAIN}",
            password=None,
            handle=handle,
            display_name=display_name or handle,
            verified=False,
        )
    except ValidationError as error:
        raise ImportFailed(
            _("The commenter @%(handle)s cannot be a member here: %(reason)s")
            % {"handle": handle, "reason": "; ".join(error.messages)}
        ) from error


# --- WARC archives -----------------------------------------------------------------------------


def _warc_records(path: Path, *, channel: Channel, section: Section | None) -> Iterator[Record]:
    images: dict[str, bytes] = {}
    pages: list[tuple[str, bytes]] = []
    try:
        with path.open("rb") as stream:
            for entry in ArchiveIterator(stream):
                if entry.rec_type != "response" or entry.http_headers is None:
                    continue
                if entry.http_headers.get_statuscode() != "200":
                    continue
                uri = entry.rec_headers.get_header("WARC-Target-URI") or ""
                content_type = (entry.http_headers.get_header("Content-Type") or "").lower()
                body = entry.content_stream().read()
                if content_type.startswith(HTML_TYPES):
                    pages.append((uri, body))
                elif content_type.startswith("image/"):
                    images[uri] = body
    except ArchiveLoadFailed as error:
        raise ImportFailed(
            _("%(file)s is not a readable WARC file: %(reason)s")
            % {"file": path.name, "reason": error}
        ) from error
    for uri, body in pages:
        try:
            key = "warc:" + canonical_url(uri)
        except ValidationError:
            continue
        yield Record(
            key=key[:200],
            label=uri,
            prepare=_warc_page(uri, body, images, channel=channel, section=section, key=key[:200]),
        )


def _warc_page(
    uri: str,
    body: bytes,
    images: dict[str, bytes],
    *,
    channel: Channel,
    section: Section | None,
    key: str,
) -> Callable[[], Prepared]:
    def present() -> ImportRecord | None:
        existing = Story.objects.filter(channel=channel, original_url=canonical_url(uri)).first()
        if existing is None:
            return None
        return remember(channel, key, ImportRecord.Outcome.PRESENT, story=existing)

    def prepare() -> Prepared:
        if Story.objects.filter(channel=channel, original_url=canonical_url(uri)).exists():
            return Prepared(already_present)  # nothing to extract
        fields = extract(body, url=uri)
        if not fields.headline:
            raise ImportFailed(_("No headline found on %(url)s.") % {"url": uri})
        data = images.get(fields.image)
        photo = lead_photo(io.BytesIO(data)) if data else None

        def write() -> ImportRecord:
            earlier = present()
            if earlier is not None:
                return earlier
            original = canonical_url(uri)
            story = story_create(
                actor=None,
                channel=channel,
                section=_section(channel, section),
                kind=Story.Kind.CURATED,
                headline=fields.headline,
                byline=fields.byline,
                excerpt=fields.excerpt,
                original_url=original,
                # A page giving a date alone gives no time to show (it still orders the lists).
                original_published_at=fields.published if fields.published_has_time else None,
                time_zone=zone_name_for(fields.published) if fields.published else "UTC",
                source_name=fields.publisher or domain_of(original),
                image=photo,
                image_caption=fields.image_caption if photo else "",
                image_credit=fields.image_credit if photo else "",
            )
            detail = ""
            if fields.published is not None:
                story = story_publish(
                    actor=None,
                    story=story,
                    at=fields.published,
                    date_only=not fields.published_has_time,
                )
            else:
                detail = _("kept as a draft: the page gives no publication time")
            return remember(channel, key, ImportRecord.Outcome.CREATED, story=story, detail=detail)

        return Prepared(write, photo=photo)

    def already_present() -> ImportRecord:
        found = present()
        if found is None:  # deleted since it was seen: the next run imports it
            raise ImportFailed(_("%(url)s was deleted while it was imported.") % {"url": uri})
        return found

    return prepare


# --- OPML ----------------------------------------------------------------------------------------


def _opml_records(path: Path, *, channel: Channel) -> Iterator[Record]:
    try:
        outlines = parse_opml(path.read_bytes())
    except FeedError as error:
        raise ImportFailed(str(error)) from error
    for outline in outlines:
        yield _opml_record(outline, channel=channel)


def _opml_record(outline: OpmlOutline, *, channel: Channel) -> Record:
    key = ("feed:" + outline.xml_url)[:200]

    def write() -> ImportRecord:
        try:
            feed, created = feed_add(
                actor=None,
                channel=channel,
                url=outline.xml_url,
                title=outline.title,
                site_url=outline.html_url,
            )
        except ValidationError as error:
            raise ImportFailed("; ".join(error.messages)) from error
        outcome = ImportRecord.Outcome.CREATED if created else ImportRecord.Outcome.PRESENT
        return remember(channel, key, outcome, feed=feed)

    return Record(key=key, label=outline.xml_url, prepare=lambda: Prepared(write))


def run_record(channel: Channel, record: Record) -> tuple[str, ImportRecord]:
    """Prepare one record, then write it in its own transaction. Returns what happened
    ("created", "present", "failed"; a record an earlier run did counts as present) and the
    remembered record.

    The write locks the channel's row and asks again whether the record is done: the same
    file imported twice at once, or a record prepared while another run wrote it, is
    written once."""
    earlier = done(channel, record.key)
    if earlier is not None:
        return ImportRecord.Outcome.PRESENT, earlier
    prepared: Prepared | None = None
    created = False
    try:
        prepared = record.prepare()
        with transaction.atomic():
            Channel.objects.select_for_update().filter(pk=channel.pk).first()
            earlier = done(channel, record.key)
            if earlier is not None:
                return ImportRecord.Outcome.PRESENT, earlier
            result = prepared.write()
        created = result.outcome == ImportRecord.Outcome.CREATED
    except (ImportFailed, ValidationError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        result = remember(channel, record.key, ImportRecord.Outcome.FAILED, detail=reason)
    finally:
        if prepared is not None and not created:
            lead_photo_discard(prepared.photo)  # the story it was for was not created
    return result.outcome, result
