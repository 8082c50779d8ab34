"""`PollWriter`: polls that finish together are stored in one write; a gone feed fails alone."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.domain import Story
from bot.errors import NotFoundError, StoreError
from bot.ingest.pipeline import PollWriter
from bot.ports import PollRecord
from bot.store import SqlStore

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def feed(n: int) -> str:
    return f"https://n.example/feed/{n}.xml"


def poll(n: int) -> PollRecord:
    story = Story(url=f"https://n.example/a/{n}", title=f"Story {n}", text="T", feed_url=feed(n))
    return PollRecord(
        feed(n), [(story, [f"url:{story.url}"])], at=NOW, etag=None, last_modified=None
    )


class Recording:
    """The store, with each `store_polls` call's size noted; the first call waits for
    ``release`` (a write in flight while more polls finish)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.sizes: list[int] = []
        self.release = threading.Event()

    def store_polls(self, polls: Sequence[PollRecord]) -> list[list[Story]]:
        self.sizes.append(len(polls))
        if len(self.sizes) == 1:
            self.release.wait(10)
        return self.store.store_polls(polls)


async def test_polls_finishing_while_a_write_is_in_flight_share_the_next(
    store: SqlStore,
) -> None:
    for n in range(6):
        store.add_feed(feed(n))
    recording = Recording(store)
    writer = PollWriter(recording)  # type: ignore[arg-type]
    first = asyncio.create_task(writer.store(poll(0)))
    while not recording.sizes:  # the first write is in its thread, held there
        await asyncio.sleep(0.01)
    rest = [asyncio.create_task(writer.store(poll(n))) for n in range(1, 6)]
    await asyncio.sleep(0.05)
    recording.release.set()
    stored = [await first, *[await task for task in rest]]
    assert recording.sizes == [1, 5]
    assert [[s.title for s in polled] for polled in stored] == [[f"Story {n}"] for n in range(6)]
    assert len(store.recent_stories()) == 6


async def test_a_gone_feed_fails_only_its_own_poll(store: SqlStore) -> None:
    store.add_feed(feed(0))
    store.add_feed(feed(2))
    writer = PollWriter(store)
    results = await asyncio.gather(
        writer.store(poll(0)), writer.store(poll(1)), writer.store(poll(2)), return_exceptions=True
    )
    assert isinstance(results[1], NotFoundError)
    assert [s.title for s in results[0]] == ["Story 0"]  # type: ignore[union-attr]
    assert [s.title for s in results[2]] == ["Story 2"]  # type: ignore[union-attr]


async def test_a_store_that_is_down_fails_every_poll_of_the_write() -> None:
    class Down:
        def store_polls(self, polls: Sequence[PollRecord]) -> list[list[Story]]:
            raise StoreError("database is down")

    writer = PollWriter(Down())  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        await asyncio.gather(writer.store(poll(0)), writer.store(poll(1)))
