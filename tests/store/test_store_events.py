"""Event claims: one process handles a chat platform's event, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.errors import StoreError
from bot.store import SqlStore, make_store
from bot.store import events as event_claims_module
from bot.store.schema import event_claims

from .helpers import race

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=1)


def stored_keys(store: SqlStore) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.scalars(sa.select(event_claims.c.key)))


def test_a_key_is_claimed_once(store: SqlStore) -> None:
    assert store.claim_event("slack:event:Ev1", at=T0, ttl=TTL)
    assert not store.claim_event("slack:event:Ev1", at=T0, ttl=TTL)
    assert not store.claim_event("slack:event:Ev1", at=T0 + timedelta(minutes=5), ttl=TTL)
    assert store.claim_event("slack:event:Ev2", at=T0, ttl=TTL)


def test_a_claim_expires_after_the_ttl(store: SqlStore) -> None:
    assert store.claim_event("k", at=T0, ttl=TTL)
    assert not store.claim_event("k", at=T0 + TTL, ttl=TTL)  # exactly the ttl: still live
    later = T0 + TTL + timedelta(seconds=1)
    assert store.claim_event("k", at=later, ttl=TTL)  # expired: taken over
    assert not store.claim_event("k", at=later + timedelta(seconds=1), ttl=TTL)


def test_expired_claims_are_deleted_a_few_at_a_time(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_claims_module, "PRUNE_EVERY", 3)
    monkeypatch.setattr(event_claims_module, "PRUNE_LIMIT", 2)
    # Calls 0-4 (0 and 3 look for expired claims; there are none yet).
    for i in range(5):
        assert store.claim_event(f"old-{i}", at=T0 + timedelta(seconds=i), ttl=TTL)
    later = T0 + 2 * TTL
    store.claim_event("new-5", at=later, ttl=TTL)
    assert len(stored_keys(store)) == 6  # call 5 does not prune
    store.claim_event("new-6", at=later, ttl=TTL)  # call 6 deletes the two oldest
    assert stored_keys(store) == {"old-2", "old-3", "old-4", "new-5", "new-6"}
    for n in (7, 8, 9):  # call 9 deletes two more
        store.claim_event(f"new-{n}", at=later, ttl=TTL)
    assert stored_keys(store) == {"old-4", *(f"new-{n}" for n in range(5, 10))}
    for n in (10, 11, 12):  # call 12: the last expired one; live claims stay
        store.claim_event(f"new-{n}", at=later, ttl=TTL)
    assert stored_keys(store) == {f"new-{n}" for n in range(5, 13)}


def test_a_failing_database_is_a_store_error(store: SqlStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE event_claims"))
    with pytest.raises(StoreError, match="claiming event k"):
        store.claim_event("k", at=T0, ttl=TTL)


def test_processes_racing_for_the_same_event_claim_it_once(store_url: str) -> None:
    """Several stores ("processes") on one database claim the same keys at the same moment."""
    make_store(store_url).close()  # migrated once, as the first process would
    keys = [f"slack:event:Ev{n}" for n in range(25)]

    def claim(_: int, s: SqlStore, barrier: threading.Barrier) -> list[str]:
        won: list[str] = []
        for key in keys:
            barrier.wait(timeout=30)  # every key at the same moment in every process
            if s.claim_event(key, at=T0, ttl=TTL):
                won.append(key)
        return won

    everything = [key for keys_won in race(store_url, 4, claim) for key in keys_won]
    assert sorted(everything) == sorted(keys)  # each key won exactly once
