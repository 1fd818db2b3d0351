"""Fills a fresh database with the page the benchmarks measure: a story with 200 comments.

Run through ``masthead shell`` by bench/run.py. Writes bench facts (URLs, member sessions
with CSRF secrets) as JSON to the path in BENCH_FACTS.
"""

import json
import os
import random
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import _get_new_csrf_string

from masthead.accounts.services import member_create
from masthead.channels.services import channel_create, section_create
from masthead.discussion.services import comment_create
from masthead.stories.services import story_create, story_publish

MEMBERS = 40
PASSWORD = "bench-pass-phrase"  # noqa: S105 - throwaway accounts in a throwaway database
REPLIES = 3  # threads of 4 comments
THREADS = int(os.environ.get("BENCH_COMMENTS", "200")) // (REPLIES + 1)
SENTENCES = [
    "The ferry timetable matters more than the treaty text.",
    "I crossed that strait in 1998 and the harbour looked just the same.",
    "Trade figures this small rarely move a foreign ministry.",
    "Worth reading the full report before drawing conclusions.",
    "Sanctions have not changed much on the ground, in my experience.",
    "Good reporting, though the second quote needs context.",
    "Who pays for the subsidy once the trial ends?",
    "The customs data is public and tells a different story.",
]

rnd = random.Random(7)
members = [
    member_create(
        email=f"bench{n}@bench.test",
        password=PASSWORD,
        handle=f"bench{n}",
        display_name=f"Bench Member {n}",
    )
    for n in range(MEMBERS)
]
lurker = member_create(
    email="lurker@bench.test",
    password=PASSWORD,
    handle="lurker",
    display_name="Quiet Reader",
)
channel = channel_create(
    actor=None, slug="globallead", name="Global Lead", tagline="Geopolitics, curated"
)
section = section_create(actor=None, channel=channel, slug="politics", name="Politics")
paragraphs = "\n\n".join(" ".join(rnd.choice(SENTENCES) for _ in range(4)) for _ in range(3))
story = story_create(
    actor=None,
    channel=channel,
    section=section,
    kind="curated",
    headline="Ferry Puts Old Ties Before a New Missile Threat",
    byline="Ilse Marten",
    time_zone="America/Los_Angeles",
    excerpt="A ferry service sails on at a loss.",
    body=paragraphs + "\n\n## Migrant Workers\n\n" + paragraphs + "\n\n## Trade\n\n" + paragraphs,
    original_url="https://ledger.example/2017/07/ferry",
    source_name="The Example Ledger",
)
story = story_publish(actor=None, story=story)  # the published row; the instance above is a draft
for n in range(6):
    other = story_create(
        actor=None,
        channel=channel,
        section=section,
        headline=f"Another Story Number {n}",
        body="Text.",
    )
    story_publish(actor=None, story=other)
# For the feeds and sitemaps (bench/run.py --suite distribution): enough stories that every
# feed holds its 50 items, each with a body of the story page's length.
for n in range(int(os.environ.get("BENCH_MORE_STORIES", "0"))):
    more = story_create(
        actor=None,
        channel=channel,
        section=section,
        headline=f"Harbour Report Number {n}",
        byline="Ada Lindqvist and Bo Berg",
        excerpt="The harbour, the ferry and the council, once more.",
        body=paragraphs,
    )
    story_publish(actor=None, story=more)
for _thread in range(THREADS):
    opening, _ = comment_create(
        actor=members[rnd.randrange(MEMBERS)],
        story=story,
        body=" ".join(rnd.choice(SENTENCES) for _ in range(2)),
    )
    for _ in range(REPLIES):
        comment_create(
            actor=members[rnd.randrange(MEMBERS)],
            story=story,
            parent=opening,
            body=rnd.choice(SENTENCES),
        )

engine = import_module(settings.SESSION_ENGINE)


def session_for(user):
    store = engine.SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "masthead.accounts.backends.MemberBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {"sessionid": store.session_key, "csrftoken": _get_new_csrf_string()}


def api_token_for(user):
    """A personal access token with the write scope (bench/run.py --suite api)."""
    from masthead.api.services import access_token_create

    _token, secret = access_token_create(actor=user, member=user, name="bench", scope="write")
    return secret


facts = {
    "story_url": story.get_absolute_url(),
    "story_public_id": story.public_key,
    "story_id": story.pk,
    "lurker": session_for(lurker),
    "commenter": session_for(members[0]),
    "posters": [session_for(m) for m in members[:32]],
    "api_posters": (
        [api_token_for(m) for m in members[:32]] if os.environ.get("BENCH_API_TOKENS") else []
    ),
}
with open(os.environ["BENCH_FACTS"], "w") as out:
    json.dump(facts, out)
