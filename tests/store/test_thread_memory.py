"""Thread memory in the store: round trip, replacement, the cap, forgetting old threads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ports import ThreadMemory
from bot.store import SqlStore, threads

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_round_trip_and_replace(store: SqlStore) -> None:
    assert store.thread_memory("slack:C1", "171.5") == ThreadMemory()
    told = ThreadMemory(
        ("Maria Chen", "Tom Okafor"), frozenset({(3, "We will strike"), (4, "Ç’est “ça”")})
    )
    store.remember_thread("slack:C1", "171.5", told, at=T0)
    assert store.thread_memory("slack:C1", "171.5") == told
    assert store.thread_memory("slack:C1", "") == ThreadMemory()  # another thread
    assert store.thread_memory("discord:1", "171.5") == ThreadMemory()  # another channel
    store.remember_thread("slack:C1", "171.5", ThreadMemory(("Lavrov",)), at=T0)
    assert store.thread_memory("slack:C1", "171.5") == ThreadMemory(("Lavrov",))


def test_only_the_newest_shown_quotes_are_kept(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threads, "MAX_SHOWN", 2)
    shown = frozenset({(1, "a"), (5, "b"), (9, "c")})
    store.remember_thread("c", "t", ThreadMemory(("X",), shown), at=T0)
    assert store.thread_memory("c", "t").shown == {(5, "b"), (9, "c")}


def test_threads_untouched_for_a_month_are_forgotten(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threads, "PRUNE_EVERY", 1)
    old = T0 - threads.FORGET_AFTER - timedelta(seconds=1)
    store.remember_thread("c", "old", ThreadMemory(("A",)), at=old)
    store.remember_thread("c", "recent", ThreadMemory(("B",)), at=T0 - timedelta(days=1))
    store.remember_thread("c", "now", ThreadMemory(("C",)), at=T0)
    assert store.thread_memory("c", "old") == ThreadMemory()
    assert store.thread_memory("c", "recent") == ThreadMemory(("B",))
