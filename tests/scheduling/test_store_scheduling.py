"""The scheduling half of the store on SQLite and PostgreSQL: leases, slots, backfill."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.store import SqlStore, make_store
from tests.store.helpers import FEED, keys, race, story

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
CHANNEL = "console:news"


def feeds(store: SqlStore, n: int) -> list[str]:
    urls = [f"https://f{i}.example/feed.xml" for i in range(n)]
    for url in urls:
        store.add_feed(url)
    return urls


def test_due_feeds_are_claimed_once_until_the_lease_ends(store: SqlStore) -> None:
    feeds(store, 3)
    first = store.claim_due_feeds(owner="a", now=T0, lease=LEASE)
    assert len(first) == 3
    assert store.claim_due_feeds(owner="b", now=T0 + timedelta(seconds=5), lease=LEASE) == []
    again = store.claim_due_feeds(owner="b", now=T0 + LEASE + timedelta(seconds=1), lease=LEASE)
    assert len(again) == 3  # a died: its feeds come back


def test_finish_poll_sets_the_next_poll_and_pauses(store: SqlStore) -> None:
    [url] = feeds(store, 1)
    store.claim_due_feeds(owner="a", now=T0, lease=LEASE)
    store.finish_poll(url, owner="a", next_poll_at=T0 + timedelta(minutes=15))
    assert store.claim_due_feeds(owner="a", now=T0 + timedelta(minutes=14), lease=LEASE) == []
    assert len(store.claim_due_feeds(owner="a", now=T0 + timedelta(minutes=15), lease=LEASE)) == 1
    store.finish_poll(url, owner="a", next_poll_at=T0, pause_at=T0)
    assert store.get_feed(url).paused
    assert store.claim_due_feeds(owner="a", now=T0 + timedelta(days=9), lease=LEASE) == []
    [paused] = store.paused_feeds()
    assert paused.paused_at == T0 and paused.channels == ()
    store.resume_feed(url)
    assert not store.get_feed(url).paused
    assert store.paused_feeds() == []


def test_concurrent_claims_never_overlap(store_url: str) -> None:
    with make_store(store_url) as setup:
        feeds(setup, 40)

    def claim(i: int, s: SqlStore, _: threading.Barrier) -> list[int]:
        got: list[int] = []
        for _ in range(5):
            owner = f"p{i}"
            got += [f.id or 0 for f in s.claim_due_feeds(owner=owner, now=T0, lease=LEASE, limit=4)]
        return got

    everything = [i for got in race(store_url, 4, claim) for i in got]
    assert len(everything) == len(set(everything)) == 40


def test_configure_keeps_the_pending_slot_unless_the_schedule_changes(store: SqlStore) -> None:
    def configure(schedule: str, slot: datetime) -> datetime | None:
        store.configure_channel(
            CHANNEL,
            schedule=schedule,
            timezone="Europe/Berlin",
            breaking=False,
            backfill_hours=24,
            first_slot=slot,
            now=T0,
        )
        [state] = store.channel_states()
        return state.next_briefing_at

    assert configure("30 8 * * *", T0) == T0
    assert configure("30 8 * * *", T0 + timedelta(days=1)) == T0  # a restart: slot kept
    assert configure("0 9 * * *", T0 + timedelta(hours=1)) == T0 + timedelta(hours=1)


def test_backfill_limit_and_briefed_stories(store: SqlStore) -> None:
    store.add_feed(FEED)
    old = store.add_story(story(1, published_at=T0 - timedelta(days=2)), keys=keys(1))
    new = store.add_story(story(2, published_at=T0 - timedelta(hours=1)), keys=keys(2))
    store.subscribe_since(CHANNEL, FEED, not_before=T0 - timedelta(hours=24), exclude=["x"])
    store.subscribe_since(CHANNEL, FEED, not_before=T0)  # again later: the first limit stands
    rows = store.unbriefed_stories(CHANNEL, since=None)
    assert [r.story.id for r in rows] == [new.id]
    assert rows[0].exclude == ("x",)
    assert old.id not in store.briefed_story_ids(CHANNEL)
    claim = store.begin_delivery(CHANNEL, "k", owner="a", now=T0, lease=LEASE)
    assert claim is not None and not claim.resumed
    store.complete_delivery(CHANNEL, "k", message_id="m1", story_ids=[new.id or 0], now=T0)
    assert store.unbriefed_stories(CHANNEL, since=None) == []
    assert store.done_keys(["k", "other"]) == {"k"}


def test_chat_subscriptions_get_a_backfill_limit_once(store: SqlStore) -> None:
    store.add_feed(FEED)
    store.add_story(story(1, published_at=T0 - timedelta(days=2)), keys=keys(1))
    store.subscribe(CHANNEL, FEED)  # as a chat command does: no limit yet
    assert len(store.unbriefed_stories(CHANNEL, since=None)) == 1
    assert store.limit_new_backfill(T0 - timedelta(hours=24)) == 1
    assert store.limit_new_backfill(T0) == 0
    assert store.unbriefed_stories(CHANNEL, since=None) == []
