"""Event claims (migration 0005): a chat platform's event taken on by one process only.

`EventClaimStore` is mixed into `SqlStore`. Slack sends an event again, with the
same ``event_id``, when it thinks the first delivery was missed; with several
``newsbrief run`` processes behind one Slack app the retry may reach another
process. `EventClaimStore.claim_event` lets exactly one of them take it on: the
first INSERT of the key wins, atomically on SQLite (BEGIN IMMEDIATE) and
PostgreSQL (the primary key's ON CONFLICT).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bot.store.schema import event_claims

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# Every PRUNE_EVERY-th claim of a store also deletes up to PRUNE_LIMIT expired claims:
# bounded work per call, and more than one deletion per claim on average, so the
# table holds about one ttl's worth of events.
PRUNE_EVERY = 64
PRUNE_LIMIT = 500


class EventClaimStore:
    """Mixin of `SqlStore`: ``claim_event`` on the ``event_claims`` table."""

    if TYPE_CHECKING:
        _event_calls: Iterator[int]

        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert: ...

    def claim_event(self, key: str, *, at: datetime, ttl: timedelta) -> bool:
        """True for the first claim of ``key`` by any process on this database, else False.

        One upsert in one transaction: a new key is inserted and wins; a claim
        older than ``ttl`` (before ``at - ttl``) has expired and is taken over,
        so it wins too; a live claim leaves the call False. Every `PRUNE_EVERY`-th
        call also deletes up to `PRUNE_LIMIT` expired claims, oldest first,
        skipping rows another process is deleting at the same moment.
        """
        cutoff = at - ttl
        insert = self._insert(event_claims).values(key=key, claimed_at=at)
        claim = insert.on_conflict_do_update(
            index_elements=[event_claims.c.key],
            set_={"claimed_at": insert.excluded.claimed_at},
            where=event_claims.c.claimed_at < cutoff,
        ).returning(event_claims.c.key)
        prune = next(self._event_calls) % PRUNE_EVERY == 0
        with self._write(f"claiming event {key}") as conn:
            if prune:
                expired = (
                    sa.select(event_claims.c.key)
                    .where(event_claims.c.claimed_at < cutoff)
                    .order_by(event_claims.c.claimed_at)
                    .limit(PRUNE_LIMIT)
                    .with_for_update(skip_locked=True)
                )
                conn.execute(sa.delete(event_claims).where(event_claims.c.key.in_(expired)))
            return conn.execute(claim).first() is not None
