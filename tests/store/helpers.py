"""Small builders for store tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from bot.domain import Story
from bot.store import SqlStore, make_store

T = TypeVar("T")

FEED = "https://news.example/feed.xml"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def story(n: int = 1, *, feed: str = FEED, text: str | None = None, **kw: object) -> Story:
    fields: dict[str, object] = {
        "url": f"https://news.example/a/{n}",
        "title": f"Story {n}",
        "text": text if text is not None else f"Body of story {n}.",
        "feed_url": feed,
        "guid": f"guid-{n}",
    }
    fields.update(kw)
    return Story(**fields)  # type: ignore[arg-type]


def keys(n: int = 1, *, feed: str = FEED) -> list[str]:
    return [f"guid:guid-{n}", f"url:https://news.example/a/{n}", f"title:{feed}:story {n}"]


def race(
    store_url: str, processes: int, work: Callable[[int, SqlStore, threading.Barrier], T]
) -> list[T]:
    """``work(i, store, barrier)`` in ``processes`` threads at once, each with its own store
    on ``store_url`` as separate processes would have, released together by ``barrier``
    (which ``work`` may wait on again to keep them in step). Returns the results in order;
    the first exception any of them raised is raised here."""
    stores = [make_store(store_url) for _ in range(processes)]
    barrier = threading.Barrier(processes)
    results: dict[int, T] = {}
    failures: list[BaseException] = []

    def run(i: int, store: SqlStore) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i, store, barrier)
        except BaseException as exc:  # raised again by the caller's thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for store in stores:
        store.close()
    if failures:
        raise failures[0]
    return [results[i] for i in range(processes)]
