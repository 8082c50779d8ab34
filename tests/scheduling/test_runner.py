"""The runner on a fake clock: real store, real loopback feeds, a recording adapter.

Time only moves when a test moves it; nothing sleeps.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from bot.app import App
from bot.config_sync import sync_config
from bot.domain import Briefing
from bot.errors import DeliveryError
from bot.ports import PostLog
from bot.run import make_app
from bot.scheduler import Runner
from bot.settings import Settings
from bot.store import SqlStore
from bot.testing import FeedServer, RecordingAdapter, Route
from tests.ingest.feeds import rss

CHANNEL = "console:news"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday
FIRST_SLOT = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # Thursday 08:30 Berlin (CET)

HARBOR = (
    "The city council voted on Tuesday to sell the old harbor depot to a housing cooperative "
    "after a debate that lasted most of the night and drew hundreds of residents to the hall. "
    "The mayor said the sale would fund repairs to the sea wall and two new ferry landings."
)
CHIPS = (
    "Lumora delayed its new chip by six months, blaming a shortage of packaging capacity at its "
    "supplier in Taiwan; shares fell eight percent in early trading before recovering."
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def entry(
    server: FeedServer, slug: str, text: str, *, at: datetime, title: str = ""
) -> dict[str, str]:
    return {
        "title": title or f"{slug.replace('-', ' ').title()}",
        "link": server.url(f"/a/{slug}"),
        "guid": f"guid-{slug}",
        "pubDate": format_datetime(at, usegmt=True),
        "description": text,
    }


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def settings_for(
    server: FeedServer, store: SqlStore, ingest: dict[str, Any] | None = None, **channel: Any
) -> Settings:
    feeds = [server.url("/one.xml"), server.url("/two.xml")]
    spec: dict[str, Any] = {
        "id": CHANNEL,
        "feeds": feeds,
        "schedule": "30 8 * * mon-fri",
        "timezone": "Europe/Berlin",
    }
    spec.update(channel)
    return Settings(
        store={"url": "sqlite:///:memory:"},
        ingest={
            "allow_hosts": ["127.0.0.1"],
            "fetch_articles": False,
            "jitter_seconds": 0,
            **(ingest or {}),
        },
        feeds=[
            {"url": feeds[0], "title": "One"},
            {"url": feeds[1], "title": "Two", "poll_interval_minutes": 60},
        ],
        channels=[spec],
    )


@pytest.fixture
async def world(server: FeedServer, store: SqlStore) -> AsyncIterator[dict[str, Any]]:
    server.routes["/one.xml"] = Route(body=rss(server.base_url, []))
    server.routes["/two.xml"] = Route(body=rss(server.base_url, []))
    made: list[App] = []

    def start(**channel: Any) -> tuple[Runner, RecordingAdapter, Clock]:
        adapter = RecordingAdapter()
        app = make_app(
            settings_for(server, store, **channel), store=store, adapters={"console": adapter}
        )
        made.append(app)
        clock = Clock(world_state["now"])
        runner = Runner(app, owner=f"test-{len(made)}", clock=clock, rng=random.Random(1))
        sync_config(app.store, app.settings, now=clock())
        return runner, adapter, clock

    world_state: dict[str, Any] = {"now": NOW, "start": start, "server": server, "store": store}
    yield world_state
    for app in made:
        await app.fetcher.aclose()  # type: ignore[attr-defined]


async def step(runner: Runner) -> None:
    """One tick and everything it started (polls), then one more for what they enabled."""
    await runner.tick()
    await runner.settle()
    await runner.tick()
    await runner.settle()


def serve(server: FeedServer, path: str, *entries: dict[str, str]) -> None:
    server.routes[path] = Route(body=rss(server.base_url, list(entries)))


async def test_briefing_at_the_slot_with_backfill_filters_and_merged_duplicates(
    world: dict[str, Any],
) -> None:
    server: FeedServer = world["server"]
    serve(
        server,
        "/one.xml",
        entry(server, "harbor", HARBOR, at=NOW - timedelta(hours=2)),
        entry(server, "old-news", CHIPS.replace("six", "nine"), at=NOW - timedelta(days=3)),
        entry(server, "sports", "The local team won the cup final on penalties.", at=NOW),
    )
    serve(server, "/two.xml", entry(server, "harbor-2", HARBOR + " Residents cheered.", at=NOW))
    runner, adapter, clock = world["start"](exclude=["cup final"])
    await step(runner)
    assert adapter.posted == []  # polled, but the slot has not come
    clock.now = FIRST_SLOT
    await step(runner)
    [briefing] = adapter.posted
    assert briefing.idempotency_key == f"briefing:{CHANNEL}:2026-11-26T07:30Z"
    [item] = briefing.items  # the 3-day-old story is backfill, the cup final is excluded
    assert set(item.sources) == {"One", "Two"}  # near-duplicates merged, both sources listed
    assert len(item.story_ids) == 2
    clock.now += timedelta(minutes=5)
    await step(runner)
    assert len(adapter.posted) == 1  # not again


async def test_downtime_catches_up_once_and_a_restart_does_not_repeat(
    world: dict[str, Any],
) -> None:
    server: FeedServer = world["server"]
    serve(server, "/one.xml", entry(server, "harbor", HARBOR, at=NOW))
    first, _adapter, _clock = world["start"]()
    await step(first)
    # The bot is down from Thursday's slot until Monday noon; a new process starts.
    world["now"] = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    second, adapter2, _clock2 = world["start"]()
    await step(second)
    assert [b.idempotency_key for b in adapter2.posted] == [f"briefing:{CHANNEL}:2026-11-26T07:30Z"]
    [state] = world["store"].channel_states()
    assert state.next_briefing_at == datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # Tuesday, no doubles
    third, adapter3, _ = world["start"]()
    await step(third)
    assert adapter3.posted == []
    [story] = adapter2.posted[0].items
    assert story.title == "Harbor"


async def test_breaking_mode_posts_each_new_story_once(world: dict[str, Any]) -> None:
    server: FeedServer = world["server"]
    serve(server, "/one.xml", entry(server, "harbor", HARBOR, at=NOW))
    runner, adapter, clock = world["start"](breaking=True)
    await step(runner)
    assert [b.items[0].title for b in adapter.posted] == ["Harbor"]
    serve(
        server,
        "/one.xml",
        entry(server, "harbor", HARBOR, at=NOW),
        entry(server, "chips", CHIPS, at=NOW + timedelta(minutes=20)),
    )
    clock.now += timedelta(minutes=20)
    await step(runner)
    await step(runner)
    assert [b.items[0].title for b in adapter.posted] == ["Harbor", "Chips"]
    assert all(b.idempotency_key.startswith(f"breaking:{CHANNEL}:") for b in adapter.posted)


async def test_a_failing_feed_backs_off_pauses_and_notifies_once(world: dict[str, Any]) -> None:
    server: FeedServer = world["server"]
    server.routes["/one.xml"] = Route(status=500, body=b"down")
    runner, adapter, clock = world["start"]()
    store: SqlStore = world["store"]
    url = server.url("/one.xml")
    waits = []
    for _ in range(10):
        before = clock.now
        await step(runner)
        next_poll = store.next_polls()[url]
        assert next_poll is not None
        waits.append(next_poll - before)
        clock.now = next_poll
    assert waits[:4] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    feed = store.get_feed(url)
    assert feed.paused and feed.consecutive_failures == 10
    await step(runner)
    await step(runner)
    notices = [b for b in adapter.posted if b.title.startswith("Feed paused")]
    assert len(notices) == 1 and "HTTP 500" in notices[0].notes[0]
    hits = server.hits("/one.xml")
    clock.now += timedelta(days=2)
    await step(runner)
    assert server.hits("/one.xml") == hits  # paused: not polled any more


async def test_retry_after_and_max_age_set_the_next_poll(world: dict[str, Any]) -> None:
    server: FeedServer = world["server"]
    server.routes["/one.xml"] = Route(status=503, headers={"Retry-After": "7200"})
    server.routes["/two.xml"] = Route(
        body=rss(server.base_url, []), headers={"Cache-Control": "max-age=10800"}
    )
    runner, _adapter, _clock = world["start"]()
    await step(runner)
    polls = world["store"].next_polls()
    assert polls[server.url("/one.xml")] == NOW + timedelta(hours=2)
    assert polls[server.url("/two.xml")] == NOW + timedelta(hours=3)


async def test_two_runners_split_feeds_and_post_once(world: dict[str, Any]) -> None:
    server: FeedServer = world["server"]
    serve(server, "/one.xml", entry(server, "harbor", HARBOR, at=NOW))
    a, posted_a, clock_a = world["start"]()
    b, posted_b, clock_b = world["start"]()
    await a.tick()
    await b.tick()  # a holds both feeds' leases: b polls nothing
    await a.settle()
    await b.settle()
    assert server.hits("/one.xml") == 1
    clock_a.now = clock_b.now = FIRST_SLOT
    await a.tick()
    await b.tick()
    await a.settle()
    await b.settle()
    assert len(posted_a.posted) + len(posted_b.posted) == 1


class Refusing(RecordingAdapter):
    """A platform that refuses until told otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = True
        self.attempts = 0

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        self.attempts += 1
        if self.refuse:
            raise DeliveryError("rate limited")
        return await super().post_briefing(briefing, log)


async def test_a_refused_briefing_is_retried_with_growing_waits(world: dict[str, Any]) -> None:
    server: FeedServer = world["server"]
    serve(server, "/one.xml", entry(server, "harbor", HARBOR, at=NOW))
    runner, _, clock = world["start"]()
    platform = Refusing()
    runner.app.adapters = {"console": platform}
    await step(runner)  # stories in
    clock.now = FIRST_SLOT
    await step(runner)
    await step(runner)
    assert platform.attempts == 1  # not once a tick
    clock.now += timedelta(seconds=31)
    await step(runner)
    assert platform.attempts == 2
    clock.now += timedelta(seconds=31)
    await step(runner)
    assert platform.attempts == 2  # the second wait is a minute
    platform.refuse = False
    clock.now += timedelta(seconds=30)
    await step(runner)
    assert [b.idempotency_key for b in platform.posted] == [f"briefing:{CHANNEL}:2026-11-26T07:30Z"]


async def test_per_feed_intervals_with_jitter(world: dict[str, Any]) -> None:
    server: FeedServer = world["server"]
    runner, _, clock = world["start"](ingest={"jitter_seconds": 30})
    await step(runner)
    polls = world["store"].next_polls()
    one = polls[server.url("/one.xml")] - NOW  # the default, 15 minutes
    two = polls[server.url("/two.xml")] - NOW  # its own 60 minutes
    assert timedelta(minutes=15) <= one <= timedelta(minutes=15, seconds=30)
    assert timedelta(minutes=60) <= two <= timedelta(minutes=60, seconds=30)
    assert (one - timedelta(minutes=15)) != (two - timedelta(minutes=60))  # jittered apart
    hits = server.hits("/one.xml")
    clock.now += timedelta(minutes=14)
    await step(runner)
    assert server.hits("/one.xml") == hits  # not due yet
    clock.now += timedelta(minutes=2)
    await step(runner)
    assert server.hits("/one.xml") == hits + 1
