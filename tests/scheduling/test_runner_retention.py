"""The runner prunes once a day when ``store.retention_days`` is set (fake clock, real store)."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot import scheduler
from bot.app import App
from bot.config_sync import sync_config
from bot.errors import StoreError
from bot.ports import PruneReport
from bot.run import make_app
from bot.scheduler import Runner
from bot.settings import StoreSettings
from bot.store import SqlStore
from bot.testing import FeedServer, RecordingAdapter, Route
from tests.ingest.feeds import rss
from tests.scheduling.test_runner import NOW, Clock, settings_for, step
from tests.store.helpers import story

Start = Callable[..., tuple[Runner, Clock]]


@pytest.fixture
async def start(store: SqlStore) -> AsyncIterator[Start]:
    made: list[App] = []
    with FeedServer() as server:
        server.routes["/one.xml"] = server.routes["/two.xml"] = Route(body=rss(server.base_url, []))

        def make(retention_days: int | None) -> tuple[Runner, Clock]:
            base = settings_for(server, store)
            settings = base.model_copy(
                update={"store": StoreSettings(url=base.store.url, retention_days=retention_days)}
            )
            app = make_app(settings, store=store, adapters={"console": RecordingAdapter()})
            made.append(app)
            clock = Clock(NOW)
            runner = Runner(app, owner="test", clock=clock, rng=random.Random(1))
            sync_config(app.store, settings, now=clock())
            return runner, clock

        yield make
        for app in made:
            await app.fetcher.aclose()  # type: ignore[attr-defined]


def add_old(store: SqlStore, n: int, *, at: datetime) -> int:
    feed = store.list_feeds()[0].url
    added = store.add_story(story(n, feed=feed), keys=[f"guid:old-{n}"], fetched_at=at)
    assert added.id is not None
    return added.id


async def test_prunes_on_the_first_tick_then_once_a_day(start: Start, store: SqlStore) -> None:
    runner, clock = start(30)
    first = add_old(store, 1, at=NOW - timedelta(days=31))
    recent = add_old(store, 2, at=NOW - timedelta(days=29))
    await step(runner)
    assert store.get_story(first).text == ""
    assert store.get_story(recent).text != ""
    # A day has not passed: the story that has meanwhile grown old waits.
    clock.now += timedelta(days=1, minutes=-1)
    await step(runner)
    assert store.get_story(recent).text != ""
    clock.now += timedelta(minutes=2)
    await step(runner)
    assert store.get_story(recent).text == ""


async def test_nothing_is_pruned_without_retention(
    start: Start, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, _clock = start(None)
    calls: list[Any] = []
    monkeypatch.setattr(store, "prune", lambda *a, **k: calls.append(a) or PruneReport())
    old = add_old(store, 1, at=NOW - timedelta(days=400))
    await step(runner)
    assert calls == [] and store.get_story(old).text != ""


async def test_a_failed_prune_is_logged_and_retried_the_next_day(
    start: Start, store: SqlStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    runner, clock = start(30)
    old = add_old(store, 1, at=NOW - timedelta(days=31))
    real = store.prune

    def broken(*args: Any, **kwargs: Any) -> PruneReport:
        raise StoreError("store failed while emptying old stories: disk I/O error")

    monkeypatch.setattr(store, "prune", broken)
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        await step(runner)
        assert "pruning before" in caplog.text and "disk I/O error" in caplog.text
        monkeypatch.setattr(store, "prune", real)
        clock.now += timedelta(hours=1)
        await step(runner)  # the runner goes on; the retry waits for the next day
        assert store.get_story(old).text != ""
        clock.now += timedelta(days=1)
        await step(runner)
    assert store.get_story(old).text == ""
    assert "1 stories emptied" in caplog.text


async def test_a_big_prune_goes_on_over_several_ticks(
    start: Start, store: SqlStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # each tick prunes a few transactions' worth, so a stop never waits on a long prune
    monkeypatch.setattr(scheduler, "PRUNE_BATCHES_PER_TICK", 1)
    monkeypatch.setattr(scheduler, "PRUNE_BATCH", 1)
    runner, clock = start(30)
    old = [add_old(store, n, at=NOW - timedelta(days=31)) for n in range(1, 4)]
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        await step(runner)  # two ticks: a story each
        assert [store.get_story(i).text == "" for i in old] == [True, True, False]
        assert "pruned before" not in caplog.text
        clock.now += timedelta(seconds=1)
        await step(runner)
        assert all(store.get_story(i).text == "" for i in old)
        assert caplog.text.count("pruned before") == 1 and "3 stories emptied" in caplog.text
        fresh = add_old(store, 9, at=NOW - timedelta(days=31))
        await step(runner)
        assert store.get_story(fresh).text != ""  # done for the day
