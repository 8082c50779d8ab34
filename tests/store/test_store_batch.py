"""`add_stories`: one transaction per feed, same answers as `add_story` one by one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.domain import Quote, QuoteKind
from bot.errors import NotFoundError
from bot.ports import PollRecord
from bot.store import SqlStore
from bot.store.rows import storage_keys
from bot.store.sql import _LostRace

from .helpers import FEED, T0, keys, story

OTHER = "https://other.example/feed.xml"


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


def test_a_poll_stores_only_new_stories_and_records_the_fetch(store: SqlStore) -> None:
    store.add_feed(FEED)
    store.add_feed(OTHER)
    store.record_fetch_failure(FEED, at=T0, error="boom")
    [theirs] = store.add_stories([(story(1, feed=OTHER), keys(1, feed=OTHER))])
    twin = story(9, title="Same link, other guid")
    items = [
        (story(1), keys(1)),  # another feed stored it first: not this poll's
        (story(2), keys(2)),
        (twin, ["url:https://news.example/a/2"]),  # the same story twice counts once
        (story(3), keys(3)),
    ]
    stored = store.store_poll(FEED, items, at=T0, etag='"v2"', last_modified=None, title="T")
    assert [s.title for s in stored] == ["Story 2", "Story 3"]
    assert all(s.id is not None and store.get_story(s.id) == s for s in stored)
    assert len(store.recent_stories()) == 3
    feed = store.get_feed(FEED)
    assert (feed.etag, feed.consecutive_failures, feed.last_error, feed.title) == (
        '"v2"',
        0,
        None,
        "T",
    )
    assert store.store_poll(FEED, items, at=T0, etag=None, last_modified=None) == []
    assert store.get_feed(FEED).etag == '"v2"'  # a 304 keeps the validators
    assert theirs.feed_url == OTHER


def test_polls_are_five_statements_however_many_feeds_and_stories(store: SqlStore) -> None:
    """SQLite used to get one INSERT per story (RETURNING in parameter order), and every
    poll its own statements and commit."""
    store.add_feed(FEED)
    store.add_feed(OTHER)
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")):
            sent.append(statement)

    mine = [(story(n), keys(n)) for n in range(1, 31)]
    theirs = [(story(n, feed=OTHER), keys(n, feed=OTHER)) for n in range(31, 41)]
    polls = [
        PollRecord(FEED, mine, at=T0, etag='"e"', last_modified=None),
        PollRecord(OTHER, theirs, at=T0, etag=None, last_modified="Mon", title="Other"),
    ]
    sa.event.listen(store.engine, "before_cursor_execute", count)
    try:
        stored = store.store_polls(polls)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", count)
    assert [s.title for s in stored[0]] == [f"Story {n}" for n in range(1, 31)]
    assert [s.title for s in stored[1]] == [f"Story {n}" for n in range(31, 41)]
    assert all(store.get_story(s.id or 0) == s for s in stored[0] + stored[1])
    # the fetches, the feeds' ids, the known keys, the stories, their keys
    assert len(sent) == 5, sent
    assert store.get_feed(FEED).etag == '"e"'
    assert (store.get_feed(OTHER).last_modified, store.get_feed(OTHER).title) == ("Mon", "Other")


def test_a_story_in_two_polls_of_one_write_is_the_first_polls(store: SqlStore) -> None:
    store.add_feed(FEED)
    store.add_feed(OTHER)
    shared = story(7, feed=OTHER)
    stored = store.store_polls(
        [
            PollRecord(FEED, [(story(1), keys(1))], at=T0, etag=None, last_modified=None),
            PollRecord(OTHER, [(shared, keys(7))], at=T0, etag=None, last_modified=None),
            PollRecord(FEED, [(story(7), keys(7))], at=T0, etag=None, last_modified=None),
        ]
    )
    assert [[s.title for s in polled] for polled in stored] == [["Story 1"], ["Story 7"], []]
    assert stored[1][0].feed_url == OTHER


def test_polls_with_a_feed_not_stored_write_nothing(store: SqlStore) -> None:
    store.add_feed(FEED)
    polls = [
        PollRecord(FEED, [(story(1), keys(1))], at=T0, etag='"e"', last_modified=None),
        PollRecord(OTHER, [(story(2, feed=OTHER), keys(2))], at=T0, etag=None, last_modified=None),
    ]
    with pytest.raises(NotFoundError):
        store.store_polls(polls)
    assert store.recent_stories() == [] and store.get_feed(FEED).etag is None
    assert store.store_polls([]) == []


def test_stories_sharing_a_link_under_other_keys_keep_their_own_ids(store: SqlStore) -> None:
    store.add_feed(FEED)
    items = [
        (story(1, title="First"), ["guid:first"]),
        (story(1, title="Second"), ["guid:second"]),
        (story(2), keys(2)),
    ]
    stored = store.store_poll(FEED, items, at=T0, etag=None, last_modified=None)
    assert [s.title for s in stored] == ["First", "Second", "Story 2"]
    assert [store.get_story(s.id or 0).title for s in stored] == ["First", "Second", "Story 2"]


def test_a_poll_of_an_unknown_feed_stores_nothing(store: SqlStore) -> None:
    store.add_feed(OTHER)
    with pytest.raises(NotFoundError):
        store.store_poll(
            FEED, [(story(1, feed=OTHER), keys(1))], at=T0, etag=None, last_modified=None
        )
    assert store.recent_stories() == []


def test_a_poll_that_loses_a_race_runs_again(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_feed(FEED)
    insert = SqlStore._insert_stories
    calls = []

    def lose_once(self: SqlStore, *args: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 1:
            raise _LostRace
        return insert(self, *args)

    monkeypatch.setattr(SqlStore, "_insert_stories", lose_once)
    stored = store.store_poll(FEED, [(story(1), keys(1))], at=T0, etag='"e"', last_modified=None)
    assert [s.title for s in stored] == ["Story 1"] and len(calls) == 2
    assert len(store.recent_stories()) == 1


def _quote(text: str, speaker: str) -> Quote:
    return Quote(text, 0, len(text), QuoteKind.DIRECT, speaker=speaker)


def test_quotes_of_many_stories_are_saved_at_once(store: SqlStore) -> None:
    store.add_feed(FEED)
    one, two, three = store.add_stories([(story(n), keys(n)) for n in (1, 2, 3)], fetched_at=T0)
    assert one.id and two.id and three.id
    store.save_quotes(one.id, [_quote("Old words.", "Nobody")])
    store.save_quotes_many(
        [
            (one.id, [_quote("New words.", "Ann Lee"), _quote("More.", "Ann Lee")]),
            (two.id, []),  # extracted, nothing found: saved as such
            (999_999, [_quote("Gone.", "Ghost")]),  # pruned meanwhile: left out
            (2**70, [_quote("Forged.", "Ghost")]),
        ]
    )
    assert [q.text for q in store.quotes_for_story(one.id)] == ["New words.", "More."]
    assert store.quotes_for_story(two.id) == []
    pending = store.stories_awaiting_quotes(fetched_before=T0 + timedelta(days=1))
    assert [s.id for s in pending] == [three.id]
