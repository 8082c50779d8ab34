"""`newsbrief run` and `newsbrief chat`: the composition root's entry points.

The one place that builds things: `make_app` wires the core (store, fetcher,
summarizer, ingest workers) into the `App` services; `make_conversations` the one
conversations core; `start_platforms` the chat platforms (`PLATFORMS`: one line per
platform, each one folder under ``adapters/``), which get `CoreServices`, never the
`App`; `run_forever` adds the scheduler. Nothing below this module imports
``adapters`` or picks an implementation; the scheduler schedules and the platforms
translate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import getpass
import logging
import os
import signal
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
from rich.console import Console

from adapters.console import ConsoleAdapter, render_reply
from adapters.discord.runtime import DISCORD
from adapters.health import start_observing
from adapters.slack.runtime import SLACK
from adapters.webhook.runtime import WEBHOOK
from bot.app import App
from bot.config_sync import sync_config
from bot.conversation.core import Conversations
from bot.conversation.repl import DEFAULT_CHANNEL, chat_loop
from bot.conversation.replies import Context
from bot.domain import Briefing
from bot.errors import ConfigError, StoreError
from bot.ingest import HttpFetcher, UrlGuard
from bot.ingest.reader import LinkReader
from bot.ingest.workers import Workers
from bot.platform import Platform, PlatformRuntime, SqlDatabase
from bot.ports import ChatAdapter, FeedFetcher, ScheduleStore, Store, Summarizer
from bot.progress import poll_with_progress
from bot.scheduler import Runner, build_scheduler
from bot.settings import Settings
from bot.store import make_store
from bot.testing import FileRecordingAdapter
from summarizer.offline import OfflineSummarizer

log = logging.getLogger(__name__)

# The chat platforms `newsbrief run` starts when their settings are present: registering
# one here is all it takes for its channel prefix (``Platform.name``) to be served.
PLATFORMS: tuple[Platform, ...] = (SLACK, DISCORD, WEBHOOK)
# Served in every process: the terminal (or ``run.record_file``'s recorder).
CONSOLE = "console"


def unserved_channels(settings: Settings, platforms: Sequence[Platform] = PLATFORMS) -> list[str]:
    """A problem per configured channel whose prefix no registered platform serves."""
    served = {CONSOLE, *(p.name for p in platforms)}
    known = ", ".join(sorted(served))
    return [
        f"channels[{n}] ({c.id}): no platform serves {c.id.partition(':')[0]!r} "
        f"channels (registered: {known})"
        for n, c in enumerate(settings.channels)
        if c.id.partition(":")[0] not in served
    ]


def chat_adapters(settings: Settings) -> Mapping[str, ChatAdapter]:
    """The adapters `newsbrief run` posts through before any platform starts (the console;
    ``run.record_file`` records posts to a file instead, for the crash benchmark)."""
    if settings.run.record_file is not None:
        recorder = FileRecordingAdapter(
            settings.run.record_file, post_delay=settings.run.record_post_delay_seconds
        )
        return {CONSOLE: recorder}
    return {CONSOLE: ConsoleAdapter()}


# ---------------------------------------------------------------- wiring


def make_fetcher(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> HttpFetcher:
    ingest = settings.ingest
    return HttpFetcher(
        transport=transport,
        guard=UrlGuard(allow_hosts=ingest.allow_hosts),
        concurrency=ingest.concurrency,
        per_host=ingest.per_host,
        connect_timeout=ingest.connect_timeout_seconds,
        read_timeout=ingest.read_timeout_seconds,
        max_bytes=ingest.max_response_bytes,
        user_agent=ingest.user_agent,
        local_files=local_feed_paths(settings),
    )


def local_feed_paths(settings: Settings) -> set[str]:
    """Feeds in the operator's config that are files: the only paths ingest may read."""
    urls = {f.url for f in settings.feeds} | {u for c in settings.channels for u in c.feeds}
    return {u for u in urls if not u.lower().startswith(("http://", "https://"))}


def make_app(
    settings: Settings,
    *,
    store: ScheduleStore | None = None,
    fetcher: FeedFetcher | None = None,
    summarizer: Summarizer | None = None,
    adapters: Mapping[str, ChatAdapter] | None = None,
) -> App:
    """Build the application from settings; tests pass their own parts."""
    store = store if store is not None else make_store(settings.store.url)
    if summarizer is None and (settings.openai_api_key or settings.llm.base_url):
        from summarizer.llm import make_llm_summarizer  # imports openai: only when configured

        summarizer = make_llm_summarizer(settings, cache=store)
    fetcher = fetcher if fetcher is not None else make_fetcher(settings)
    return App(
        settings=settings,
        store=store,
        fetcher=fetcher,
        summarizer=summarizer if summarizer is not None else OfflineSummarizer(),
        reader=LinkReader(fetcher, allow_hosts=settings.ingest.allow_hosts),
        adapters=dict(adapters or {}),
        # The offline summarizer's quote extraction runs in the workers too (App.quote_stories).
        workers=Workers(processes=settings.ingest.workers, preload=["summarizer.offline"]),
    )


def make_conversations(app: App, *, brief_since: datetime | None = None) -> Conversations:
    """The one conversations core every platform (and the console) shares; the operator's
    ``slack.managers`` may change channels whatever their platform roles."""
    return Conversations(app, brief_since=brief_since, managers=app.settings.slack.managers)


@dataclass(frozen=True)
class CoreServices:
    """`bot.platform.PlatformServices` over the wired application: all a platform gets."""

    app: App

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def store(self) -> Store:
        return self.app.store

    async def deliver(self, briefing: Briefing) -> str | None:
        return await self.app.deliver(briefing)

    def sql_database(self) -> SqlDatabase:
        store = self.app.store
        if isinstance(store, SqlDatabase):
            return store  # SqlStore: installations live beside the rest
        return _OwnDatabase(self.app.settings.store.url)


class _OwnDatabase:
    """A database opened on the store's URL, for a store that is not SQL (tests' fakes)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.engine: Any = sa.create_engine(url)
        self.engine_lock: AbstractContextManager[Any] = nullcontext()


def platform_services(app: App) -> CoreServices:
    """What the root gives every platform's `build` (tests that build one directly too)."""
    return CoreServices(app)


async def start_platforms(
    app: App,
    conversations: Conversations,
    *,
    platforms: Sequence[Platform] = PLATFORMS,
) -> list[PlatformRuntime]:
    """Build, register and start every configured platform; the runtimes, to close later.

    Each runtime's adapter goes into ``app.adapters`` before it starts, so a command
    that arrives as it connects can already post. A platform that fails to start
    stops the ones started before it and raises.
    """
    started: list[PlatformRuntime] = []
    try:
        for platform in platforms:
            if not platform.configured(app.settings):
                continue
            runtime = platform.build(platform_services(app), conversations)
            app.adapters = {**app.adapters, platform.name: runtime.adapter}
            await runtime.start()
            started.append(runtime)
    except BaseException:
        await close_platforms(started)
        raise
    return started


async def close_platforms(runtimes: Sequence[PlatformRuntime]) -> None:
    for runtime in reversed(runtimes):
        await runtime.close()


@contextlib.contextmanager
def one_process_per_sqlite(store_url: str) -> Iterator[None]:
    """Refuse a second `newsbrief run` on the same SQLite file: SQLite serves one process.

    An advisory lock on ``<database>.run.lock``, which the OS drops when the
    process dies (even by SIGKILL), so a crash never leaves the store locked.
    PostgreSQL needs nothing: several processes split the work by leases.
    """
    import sqlalchemy as sa

    url = sa.make_url(store_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        yield
        return
    path = Path(f"{url.database}.run.lock").expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise StoreError(
                f"{url.database} is in use by another `newsbrief run` ({holder}); "
                "SQLite serves one process: stop it, or use PostgreSQL to run several"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield


async def run_forever(
    settings: Settings, *, adapters: Mapping[str, ChatAdapter] | None = None
) -> int:
    """`newsbrief run`: until SIGTERM or SIGINT, then finish in-flight deliveries.

    ``adapters`` (tests) replaces the console and every platform. Raises ``ConfigError``
    for a channel no registered platform serves.
    """
    if adapters is None and (unserved := unserved_channels(settings)):
        raise ConfigError("; ".join(unserved))
    with one_process_per_sqlite(settings.store.url):
        return await _run(settings, adapters=adapters)


async def _run(settings: Settings, *, adapters: Mapping[str, ChatAdapter] | None) -> int:
    # APScheduler logs every run of every job at INFO: a tick a second would drown the log.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    observing = await start_observing(settings)
    try:
        app = make_app(
            settings, adapters=adapters if adapters is not None else chat_adapters(settings)
        )
    except BaseException:  # an unreachable store: the listener must not outlive the start
        await observing.close()
        raise
    conversations = make_conversations(app)
    runtimes: list[PlatformRuntime] = []
    # Handlers first: a SIGTERM while starting up still ends in a clean stop.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        if adapters is None:
            runtimes = await start_platforms(app, conversations)
        runner = Runner(app)
        await asyncio.to_thread(sync_config, app.store, settings, now=runner.clock())
        scheduler = build_scheduler(runner)
        scheduler.start()
        log.info(
            "newsbrief running as %s: %d feeds, %d channels",
            runner.owner,
            len(app.store.list_feeds()),
            len(settings.channels),
        )
        await stop.wait()
        log.info("stopping: finishing in-flight polls and deliveries")
        scheduler.shutdown(wait=False)
        await runner.drain()
        return 0
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await close_platforms(runtimes)
        await app.aclose()
        await observing.close()


# ---------------------------------------------------------------- newsbrief demo


async def demo_main(console: Console, *, store_url: str = "sqlite:///:memory:") -> int:
    """`newsbrief demo`: the bundled feeds' briefing, posted to the console."""
    from bot.demo import DemoTransport
    from bot.demo.run import demo_settings, run_demo

    settings = demo_settings(store_url)
    app = make_app(
        settings,
        fetcher=make_fetcher(settings, transport=DemoTransport()),
        summarizer=OfflineSummarizer(),  # offline by promise, not only by settings
        adapters={CONSOLE: ConsoleAdapter(console)},
    )
    return await run_demo(console, app)


# ---------------------------------------------------------------- newsbrief chat


async def chat_main(
    args: argparse.Namespace, settings: Settings | None, *, stdin: TextIO, out: TextIO
) -> int:
    """`newsbrief chat`: the conversations core over stdin (``settings`` None: ``--demo``)."""
    console = Console()
    app, conversations, channel = await _chat_core(args, settings)
    try:
        context = Context(
            channel=args.channel or channel,
            user=args.user or _login(),
            can_manage=not args.read_only,
        )
        return await chat_loop(
            conversations,
            context,
            stdin=stdin,
            out=out,
            console=console,
            as_json=args.json,
            render=render_reply,
        )
    finally:
        await app.aclose()


async def _chat_core(
    args: argparse.Namespace, settings: Settings | None
) -> tuple[App, Conversations, str]:
    if settings is None:
        from bot.demo import DemoTransport
        from bot.demo.run import DEMO_CHANNEL, EVERYTHING, demo_briefing, demo_settings

        settings = demo_settings(args.store or "sqlite:///:memory:")
        app = make_app(settings, fetcher=make_fetcher(settings, transport=DemoTransport()))
        sync_config(app.store, settings, now=datetime.now(UTC))
        await poll_with_progress(
            app.poll,
            app.store.list_feeds(),
            console=Console(stderr=True),
            label="ingesting demo feeds",
        )
        demo_briefing(app)  # numbered as `newsbrief demo` prints it: "quotes 4" works at once
        return app, make_conversations(app, brief_since=EVERYTHING), DEMO_CHANNEL
    if args.store:
        settings = settings.model_copy(
            update={"store": settings.store.model_copy(update={"url": args.store})}
        )
    app = make_app(settings)
    sync_config(app.store, settings, now=datetime.now(UTC))
    channel = settings.channels[0].id if settings.channels else DEFAULT_CHANNEL
    return app, make_conversations(app), channel


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "you"


__all__ = [
    "CONSOLE",
    "PLATFORMS",
    "chat_main",
    "demo_main",
    "run_forever",
    "start_platforms",
    "unserved_channels",
]
