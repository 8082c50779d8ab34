"""Event claims: one process handles a chat platform's event, on SQLite and PostgreSQL.

A claim is a lease: finished, it keeps the event deduplicated until its ttl; left
unfinished (the claimer died), the first claim after the lease takes it over.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.errors import StoreError
from bot.ports import EventClaim
from bot.store import SqlStore, make_store
from bot.store import events as event_claims_module
from bot.store.schema import event_claims

from .helpers import race

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=1)
LEASE = timedelta(seconds=30)
CLAIMED, BUSY, DONE = EventClaim.CLAIMED, EventClaim.BUSY, EventClaim.DONE


def claim(store: SqlStore, key: str, at: datetime) -> EventClaim:
    return store.claim_event(key, at=at, lease=LEASE, ttl=TTL)


def stored_keys(store: SqlStore) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.scalars(sa.select(event_claims.c.key)))


def lease_of(store: SqlStore, key: str) -> datetime | None:
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(event_claims.c.lease_until).where(event_claims.c.key == key)
        ).one()
        lease_until: datetime | None = row.lease_until
        return lease_until


def test_a_claim_takes_a_lease_and_a_second_claimer_is_turned_away_while_it_is_live(
    store: SqlStore,
) -> None:
    assert claim(store, "slack:event:Ev1", T0) is CLAIMED
    assert lease_of(store, "slack:event:Ev1") == T0 + LEASE
    assert claim(store, "slack:event:Ev1", T0) is BUSY
    assert claim(store, "slack:event:Ev1", T0 + LEASE) is BUSY  # exactly the lease: still live
    assert claim(store, "slack:event:Ev2", T0) is CLAIMED


def test_an_unfinished_claim_is_taken_over_after_its_lease(store: SqlStore) -> None:
    assert claim(store, "k", T0) is CLAIMED  # and its claimer dies
    later = T0 + LEASE + timedelta(seconds=1)
    assert claim(store, "k", later) is CLAIMED
    assert lease_of(store, "k") == later + LEASE  # the new claimer's own lease
    assert claim(store, "k", later + timedelta(seconds=1)) is BUSY


def test_a_finished_claim_stays_done_until_its_ttl(store: SqlStore) -> None:
    assert claim(store, "k", T0) is CLAIMED
    store.finish_event("k", at=T0 + timedelta(seconds=2))
    assert lease_of(store, "k") is None
    assert claim(store, "k", T0 + timedelta(seconds=3)) is DONE
    assert claim(store, "k", T0 + LEASE + timedelta(minutes=5)) is DONE  # lease over: still done
    assert claim(store, "k", T0 + TTL) is DONE  # exactly the ttl: still kept
    later = T0 + TTL + timedelta(seconds=1)
    assert claim(store, "k", later) is CLAIMED  # expired: a new event as far as we know
    assert claim(store, "k", later + timedelta(seconds=1)) is BUSY


def test_a_live_unfinished_claim_expires_with_its_ttl_too(store: SqlStore) -> None:
    # A lease longer than the ttl is the caller's mistake, but the ttl still bounds it.
    assert store.claim_event("k", at=T0, lease=2 * TTL, ttl=TTL) is CLAIMED
    assert claim(store, "k", T0 + TTL + timedelta(seconds=1)) is CLAIMED


def test_finishing_a_claim_taken_over_keeps_it_done(store: SqlStore) -> None:
    assert claim(store, "k", T0) is CLAIMED
    later = T0 + LEASE + timedelta(seconds=1)
    assert claim(store, "k", later) is CLAIMED  # taken over while the first was slow
    store.finish_event("k", at=later)  # the slow first one finishes: the event is answered
    assert claim(store, "k", later + timedelta(seconds=1)) is DONE


def test_finishing_an_unclaimed_key_records_it_done(store: SqlStore) -> None:
    # The claim failed (store down or slow) and the event was handled anyway.
    store.finish_event("k", at=T0)
    assert claim(store, "k", T0 + timedelta(seconds=1)) is DONE
    assert claim(store, "k", T0 + TTL + timedelta(seconds=1)) is CLAIMED


def test_expired_claims_are_deleted_a_few_at_a_time(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_claims_module, "PRUNE_EVERY", 3)
    monkeypatch.setattr(event_claims_module, "PRUNE_LIMIT", 2)
    # Calls 0-4 (0 and 3 look for expired claims; there are none yet).
    for i in range(5):
        assert claim(store, f"old-{i}", T0 + timedelta(seconds=i)) is CLAIMED
    later = T0 + 2 * TTL
    claim(store, "new-5", later)
    assert len(stored_keys(store)) == 6  # call 5 does not prune
    claim(store, "new-6", later)  # call 6 deletes the two oldest
    assert stored_keys(store) == {"old-2", "old-3", "old-4", "new-5", "new-6"}
    for n in (7, 8, 9):  # call 9 deletes two more
        claim(store, f"new-{n}", later)
    assert stored_keys(store) == {"old-4", *(f"new-{n}" for n in range(5, 10))}
    for n in (10, 11, 12):  # call 12: the last expired one; live claims stay
        claim(store, f"new-{n}", later)
    assert stored_keys(store) == {f"new-{n}" for n in range(5, 13)}


def test_a_failing_database_is_a_store_error(store: SqlStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE event_claims"))
    with pytest.raises(StoreError, match="claiming event k"):
        claim(store, "k", T0)
    with pytest.raises(StoreError, match="finishing event k"):
        store.finish_event("k", at=T0)


def test_processes_racing_for_the_same_event_claim_it_once(store_url: str) -> None:
    """Several stores ("processes") on one database claim the same keys at the same moment."""
    make_store(store_url).close()  # migrated once, as the first process would
    keys = [f"slack:event:Ev{n}" for n in range(25)]

    def work(_: int, s: SqlStore, barrier: threading.Barrier) -> list[str]:
        won: list[str] = []
        for key in keys:
            barrier.wait(timeout=30)  # every key at the same moment in every process
            if claim(s, key, T0) is CLAIMED:
                won.append(key)
        return won

    everything = [key for keys_won in race(store_url, 4, work) for key in keys_won]
    assert sorted(everything) == sorted(keys)  # each key won exactly once


def test_processes_racing_to_take_over_a_dead_claim_take_it_once(store_url: str) -> None:
    """Retries of events whose claimer died reach several processes at once: one takes over."""
    keys = [f"slack:event:Ev{n}" for n in range(25)]
    with make_store(store_url) as dead:
        for key in keys:
            assert claim(dead, key, T0) is CLAIMED
        dead.finish_event(keys[0], at=T0)  # this one was answered before the crash
    later = T0 + LEASE + timedelta(seconds=1)

    def work(_: int, s: SqlStore, barrier: threading.Barrier) -> list[tuple[str, EventClaim]]:
        seen: list[tuple[str, EventClaim]] = []
        for key in keys:
            barrier.wait(timeout=30)
            seen.append((key, claim(s, key, later)))
        return seen

    outcomes = [outcome for seen in race(store_url, 4, work) for outcome in seen]
    assert sorted(key for key, got in outcomes if got is CLAIMED) == sorted(keys[1:])
    assert [got for key, got in outcomes if key == keys[0]] == [DONE] * 4
    # The losers were turned away because a live lease, the winner's, now holds the key.
    assert {got for key, got in outcomes if key != keys[0]} == {CLAIMED, BUSY}


def test_a_renewed_lease_holds_off_a_takeover_and_never_moves_back(store: SqlStore) -> None:
    assert claim(store, "k", T0) is CLAIMED
    store.renew_event("k", until=T0 + 2 * LEASE)
    assert claim(store, "k", T0 + LEASE + timedelta(seconds=1)) is BUSY
    store.renew_event("k", until=T0 + LEASE)  # an older renewal arriving late
    assert lease_of(store, "k") == T0 + 2 * LEASE
    assert claim(store, "k", T0 + 2 * LEASE + timedelta(seconds=1)) is CLAIMED


def test_renewing_a_finished_or_missing_claim_changes_nothing(store: SqlStore) -> None:
    assert claim(store, "k", T0) is CLAIMED
    store.finish_event("k", at=T0)
    store.renew_event("k", until=T0 + LEASE)
    assert lease_of(store, "k") is None
    assert claim(store, "k", T0 + 2 * LEASE) is DONE
    store.renew_event("never-claimed", until=T0 + LEASE)
    assert "never-claimed" not in stored_keys(store)
