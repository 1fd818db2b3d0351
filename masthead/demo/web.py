"""The demo's channels curating from its made-up publishers (sources.py): each channel subscribes
to one publisher's feed, and a few articles wait in review queues, submitted by curators.

Subscribing fetches nothing (the worker's first poll reads each feed), and submitting queues
the article's fetch for the worker: loading needs no network. Seeded once for an address of
the publishers, known by the items it leaves (no page deletes an item): a feed or a candidate
the curators removed stays removed. A demo moved to another port follows it.
"""

from __future__ import annotations

from masthead.accounts.models import User
from masthead.channels.models import Channel
from masthead.ingest.models import Feed, Item
from masthead.ingest.services import candidate_submit, feed_add, feed_remove, feed_update

from .sources import HOST, catalogue


def seed(
    *,
    base: str,
    channels: dict[str, Channel],
    owners: dict[str, User],
    members: dict[str, User],
) -> tuple[int, int]:
    """Subscribe the channels to the publishers served at ``base``; (feeds, candidates) made."""
    if Item.objects.filter(url__startswith=base + "/").exists():
        return 0, 0
    found = catalogue()
    feeds = 0
    for publisher in found.publishers.values():
        channel, owner = channels[publisher.channel], owners[publisher.channel]
        feed, created = feed_add(
            actor=owner,
            channel=channel,
            url=base + publisher.feed_path,
            title=publisher.name,
            site_url=base + publisher.path,
        )
        feeds += int(created)
        if publisher.fetch_articles:
            feed_update(actor=owner, feed=feed, fetch_articles=True)
        # The same publisher at the port of an earlier run: nothing answers there now.
        for stale in Feed.objects.filter(
            channel=channel,
            url__startswith=f"http://{HOST}:",
            url__endswith=publisher.feed_path,
        ).exclude(pk=feed.pk):
            feed_remove(actor=owner, feed=stale)
    for spec in found.waiting:
        candidate_submit(
            actor=members[spec["by"]],
            channel=channels[spec["channel"]],
            url=base + found.articles[spec["article"]].path,
        )
    return feeds, len(found.waiting)
