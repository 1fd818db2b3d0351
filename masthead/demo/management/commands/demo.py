from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.demo import loader, sources
from masthead.feeds.urls import FILES as FEED_FILES

from .loaddemo import print_accounts

ANY_ADDRESS = {"", "0.0.0.0", "::"}  # noqa: S104 - names of a bind, not a bind


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo content and serve the site "
        "(http://127.0.0.1:8000 by default; PORT to change), with made-up publishers to "
        f"curate from on port {sources.DEFAULT_PORT} (MASTHEAD_DEMO_SOURCES_PORT to change)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--sources-port",
            type=int,
            default=int(os.environ.get("MASTHEAD_DEMO_SOURCES_PORT", sources.DEFAULT_PORT)),
            help="where the demo's made-up publishers are served, on 127.0.0.1",
        )
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        port, sources_port = options["port"], options["sources_port"]
        if sources_port == port:
            raise CommandError(f"The site and the demo's publishers cannot share port {port}.")
        publishers = None
        if not options["no_serve"]:
            try:
                publishers = sources.SourcesServer(sources_port)
            except OSError as error:
                raise CommandError(
                    f"The demo's publishers cannot be served on port {sources_port} ({error}). "
                    "Choose another with --sources-port or MASTHEAD_DEMO_SOURCES_PORT."
                ) from error
        self.stdout.write("Migrating the database...")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading demo content...")
        report = loader.load(sources_url=sources.base_url(sources_port))
        self.stdout.write(summary(report) if report.created_anything else "  already loaded")
        print_accounts(self.stdout, report)
        host = "127.0.0.1" if options["host"] in ANY_ADDRESS else options["host"]
        site = f"http://{host}:{port}"
        self.stdout.write(try_line(site, sources.base_url(sources_port)))
        self.stdout.write(front_line(site) + "\n")
        self.stdout.write(search_line(site) + "\n")
        self.stdout.write(feeds_line(site) + "\n")
        self.stdout.write(api_line(site) + "\n")
        if publishers is None:
            return
        self.stdout.write(
            f"Masthead is at {site}/ (Ctrl-C to stop)\n"
            "Background work (notifications, fetching pages, feeds) runs beside it; its e-mails "
            "are printed here.\n"
        )
        self.stdout.flush()
        env = {
            **os.environ,
            "PORT": str(port),
            sources.ENDPOINT_VARIABLE: publishers.endpoint,
            "MASTHEAD_SITE_URL": os.environ.get("MASTHEAD_SITE_URL", site),
        }
        publishers.start()
        try:
            serve_with_worker(options["host"], port, env)
        finally:
            publishers.stop()


def summary(report: loader.Report) -> str:
    return (
        f"  created {report.channels} channels, {report.members} members, "
        f"{report.stories} stories, {report.comments} comments, {report.reactions} reactions, "
        f"{report.reports} reports, {report.moderation} moderation actions, "
        f"{report.feeds} feed subscriptions, {report.candidates} candidates"
    )


def front_line(site: str) -> str:
    """What the front page shows, printed with the demo accounts."""
    return (
        f"Front page: {site}/ ranks stories by their discussions and age (Top), {site}/latest "
        "lists the newest first; a site editor pinned a story at place 3 (front pins: "
        f"{site}/admin/stories/storypin/), City Desk's owner one on {site}/citydesk/ (Pin, on "
        "the channel's desk)"
    )


# Words the demo's stories contain in more than one channel (masthead/search/tests).
SEARCH_EXAMPLE = "ferry"


def search_line(site: str) -> str:
    """Where to try the search, printed with the demo accounts."""
    return (
        f"Search every channel: type in the search box at the top of any page, or open "
        f"{site}/search?q={SEARCH_EXAMPLE}"
    )


# A section of the demo whose feeds the demo prints (masthead/demo/content/site.json).
FEEDS_EXAMPLE = "/globallead/politics/"


def feeds_line(site: str) -> str:
    """Where the demo's feeds are, printed with the demo accounts."""
    rss, atom, json_feed = (FEED_FILES[kind] for kind in ("rss", "atom", "json"))
    return (
        f"Feeds for feed readers: {site}/{rss}, {site}/{atom} and {site}/{json_feed} of all "
        f"channels together; each channel's and section's at its address plus the same names (e.g. "
        f"{site}{FEEDS_EXAMPLE}{atom}); a member's followed channels at the private addresses "
        f"on {site}/accounts/feeds/. For search engines: {site}/robots.txt and the sitemaps "
        f"from {site}/sitemap.xml"
    )


def api_line(site: str) -> str:
    """Where the public API is, printed with the demo accounts."""
    return (
        f"JSON API: {site}/api/v1/docs (its OpenAPI document: {site}/api/v1/openapi.json), "
        f"e.g. {site}/api/v1/stories?channel=globallead; members make tokens for it on "
        f"{site}/accounts/tokens/"
    )


def try_line(site: str, sources_url: str) -> str:
    """Where to try curating from the web, printed with the demo accounts."""
    found = sources.catalogue()
    spec = found.try_it
    article = found.articles[spec["article"]]
    return (
        f"Curate from the web: log in as {loader.email_for(spec['as'])}, open "
        f"{site}/{spec['channel']}/-/queue/ and paste {sources_url}{article.path} into "
        f"“Curate an article from the web” (more articles and feeds: {sources_url}/)"
    )


# How long the server and the worker get to stop after Ctrl-C before they are killed. Granian
# stops gracefully, which waits up to its 30-second header timeout on a connection a browser
# opened ahead of need and never used; nothing of the demo is worth that wait.
STOP_GRACE_SECONDS = 3


def serve_with_worker(host: str, port: int, env: dict[str, str]) -> None:
    """`masthead serve` and one `masthead worker`, stopped together: the demo's replies reach
    inboxes and its submitted URLs and feeds are fetched, as on a real installation. ``env``
    tells them the site's address and where the demo's publishers are.

    Each runs in a process group of its own, so a terminal's Ctrl-C reaches the demo alone,
    which then stops both groups whole (granian's worker processes included): one Ctrl-C ends
    everything within STOP_GRACE_SECONDS."""
    masthead = [sys.executable, "-m", "masthead.cli"]
    worker = subprocess.Popen([*masthead, "worker"], env=env, start_new_session=True)  # noqa: S603 - our own CLI
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [*masthead, "serve", "--host", host, "--port", str(port)], env=env, start_new_session=True
    )

    def stop(*_args: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    # A shell that starts the demo in the background (`make demo &`) leaves SIGINT ignored,
    # and Python then never turns it into KeyboardInterrupt: `kill -INT` must stop it too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop_groups([server, worker])


def stop_groups(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGINT to each process's group, then SIGKILL to whatever of it is left after the grace."""
    for process in processes:
        signal_group(process, signal.SIGINT)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        signal_group(process, signal.SIGKILL)  # its children, even when it ended by itself
        process.wait()


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has ended
        os.killpg(process.pid, signum)
