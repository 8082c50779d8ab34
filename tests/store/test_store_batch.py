"""`add_stories`: one transaction per feed, same answers as `add_story` one by one."""

from __future__ import annotations

import pytest

from bot.store import SqlStore
from bot.store.rows import storage_keys
from bot.store.sql import _LostRace

from .helpers import FEED, T0, keys, story


def test_a_batch_stores_new_stories_and_returns_known_ones(store: SqlStore) -> None:
    store.add_feed(FEED)
    first = store.add_story(story(1), keys=keys(1), fetched_at=T0)
    out = store.add_stories([(story(1), keys(1)), (story(2), keys(2)), (story(3), keys(3))])
    assert out[0] == first
    assert [s.title for s in out] == ["Story 1", "Story 2", "Story 3"]
    assert len({s.id for s in out}) == 3
    assert store.get_story(out[2].id or 0) == out[2]
    assert len(store.recent_stories()) == 3


def test_twins_inside_one_batch_are_one_story(store: SqlStore) -> None:
    store.add_feed(FEED)
    twin = story(9, title="Same link, other guid")
    out = store.add_stories([(story(1), keys(1)), (twin, ["url:https://news.example/a/1"])])
    assert out[0].id == out[1].id
    assert len(store.recent_stories()) == 1


def test_an_empty_batch_is_fine(store: SqlStore) -> None:
    assert store.add_stories([]) == []


def test_a_key_another_writer_stored_meanwhile_rolls_the_batch_back(store: SqlStore) -> None:
    """The key insert counts only the rows it inserted, so a key stored between the
    batch's lookup and its insert is a lost race (the batch then goes story by story)."""
    store.add_feed(FEED)
    store.add_story(story(2), keys=keys(2), fetched_at=T0)
    batch = [
        (story(1), list(storage_keys(keys(1)))),
        (story(3), list(storage_keys([*keys(3), keys(2)[0]]))),
    ]
    with pytest.raises(_LostRace), store._write("racing") as conn:
        store._insert_stories(conn, batch, T0)
    assert [s.title for s in store.recent_stories()] == ["Story 2"]
