"""Feeds: adding, reading, and fetch success/failure bookkeeping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import NotFoundError
from bot.store import SqlStore

from .helpers import FEED, T0, keys, story


def test_add_feed_is_idempotent(store: SqlStore) -> None:
    first = store.add_feed(FEED)
    again = store.add_feed(FEED)
    assert first.id is not None
    assert again == first
    assert store.list_feeds() == [first]


def test_add_feed_title_replaces(store: SqlStore) -> None:
    store.add_feed(FEED)
    assert store.add_feed(FEED, title="News").title == "News"
    assert store.add_feed(FEED).title == "News"  # no title given: kept


def test_get_missing_feed(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_feed("https://nowhere.example/feed")


def test_list_feeds_in_insertion_order(store: SqlStore) -> None:
    urls = [f"https://{c}.example/feed" for c in "cab"]
    for url in urls:
        store.add_feed(url)
    assert [f.url for f in store.list_feeds()] == urls


def test_failures_count_up_and_keep_the_error(store: SqlStore) -> None:
    store.add_feed(FEED)
    store.record_fetch_failure(FEED, at=T0, error="timeout")
    feed = store.record_fetch_failure(FEED, at=T0 + timedelta(minutes=5), error="HTTP 503")
    assert feed.consecutive_failures == 2
    assert feed.last_error == "HTTP 503"
    assert store.get_feed(FEED) == feed


def test_success_resets_failures_and_stores_validators(store: SqlStore) -> None:
    store.add_feed(FEED)
    store.record_fetch_failure(FEED, at=T0, error="boom")
    feed = store.record_fetch_success(
        FEED, at=T0, etag='"v1"', last_modified="Sat, 01 Mar 2025 12:00:00 GMT", title="T"
    )
    assert feed.consecutive_failures == 0
    assert feed.last_error is None
    assert feed.last_success_at == T0
    assert (feed.etag, feed.title) == ('"v1"', "T")


def test_not_modified_keeps_validators(store: SqlStore) -> None:
    store.add_feed(FEED, title="Operator title")
    store.record_fetch_success(FEED, at=T0, etag='"v1"', last_modified="x", title="Feed title")
    feed = store.record_fetch_success(FEED, at=T0, etag=None, last_modified=None)
    assert (feed.etag, feed.last_modified) == ('"v1"', "x")
    assert feed.title == "Operator title"


def test_failure_never_deletes_stories(store: SqlStore) -> None:
    store.add_feed(FEED)
    saved = store.add_story(story(1), keys=keys(1))
    store.record_fetch_failure(FEED, at=T0, error="gone")
    assert store.get_story(saved.id or 0) == saved


def test_bookkeeping_on_missing_feed(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        store.record_fetch_failure("https://x.example/", at=T0, error="e")
    with pytest.raises(NotFoundError):
        store.record_fetch_success("https://x.example/", at=T0, etag=None, last_modified=None)


def test_long_error_is_truncated(store: SqlStore) -> None:
    store.add_feed(FEED)
    feed = store.record_fetch_failure(FEED, at=T0, error="x" * 10_000)
    assert feed.last_error is not None and 0 < len(feed.last_error) < 10_000


def test_pause(store: SqlStore) -> None:
    store.add_feed(FEED)
    assert store.set_feed_paused(FEED, True).paused
    assert not store.set_feed_paused(FEED, False).paused
