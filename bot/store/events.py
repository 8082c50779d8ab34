"""Event claims (migrations 0005, 0007): a chat platform's event taken on by one process.

`EventClaimStore` is mixed into `SqlStore`. Slack sends an event again, with the
same ``event_id``, when it thinks the first delivery was missed; with several
``newsbrief run`` processes behind one Slack app the retry may reach another
process. `EventClaimStore.claim_event` lets one of them take it on, for a lease:
the claimer marks it handled with `EventClaimStore.finish_event`, and a claim
whose lease ran out unfinished (its process died) is taken over by the next
retry. Each claim is one upsert, atomic on SQLite (BEGIN IMMEDIATE) and
PostgreSQL (the primary key's ON CONFLICT, which re-checks its WHERE against
the row as committed by a concurrent claimer).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bot.ports import EventClaim
from bot.store.schema import event_claims
from bot.telemetry import metrics

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# Every PRUNE_EVERY-th claim of a store also deletes up to PRUNE_LIMIT expired claims:
# bounded work per call, and more than one deletion per claim on average, so the
# table holds about one ttl's worth of events.
PRUNE_EVERY = 64
PRUNE_LIMIT = 500


class EventClaimStore:
    """Mixin of `SqlStore`: ``claim_event``, ``renew_event`` and ``finish_event`` on
    ``event_claims``."""

    if TYPE_CHECKING:
        _event_calls: Iterator[int]

        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert: ...

    def claim_event(
        self, key: str, *, at: datetime, lease: timedelta, ttl: timedelta
    ) -> EventClaim:
        """Take ``key`` until ``at + lease``; `EventClaim` says whether it was ours to take.

        One upsert in one transaction: a new key is inserted; a claim older
        than ``ttl`` (before ``at - ttl``), or whose lease ended before ``at``
        without being finished, is taken over. Either way the caller wins. A
        lost upsert reads the row in the same transaction to tell a live lease
        (``BUSY``) from a finished claim (``DONE``). Every `PRUNE_EVERY`-th call
        also deletes up to `PRUNE_LIMIT` claims older than ``ttl``, oldest
        first, skipping rows another process is deleting at the same moment.
        """
        cutoff = at - ttl
        insert = self._insert(event_claims).values(key=key, claimed_at=at, lease_until=at + lease)
        claim = insert.on_conflict_do_update(
            index_elements=[event_claims.c.key],
            set_={
                "claimed_at": insert.excluded.claimed_at,
                "lease_until": insert.excluded.lease_until,
            },
            # A finished claim has no lease (NULL), so only its age frees it.
            where=sa.or_(event_claims.c.claimed_at < cutoff, event_claims.c.lease_until < at),
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
            # An unfinished claim found before ours wins is a takeover: its process died.
            before = conn.execute(
                sa.select(event_claims.c.lease_until).where(event_claims.c.key == key)
            ).first()
            if conn.execute(claim).first() is not None:
                if before is not None and before.lease_until is not None:
                    metrics().count("event_claim_takeovers")
                    log.warning(
                        "took over event %s: its claim's lease ran out unfinished",
                        key,
                        extra={"event_id": key},
                    )
                return EventClaim.CLAIMED
            # The row is there: the upsert found it and holds it (PostgreSQL locks the
            # conflicting row even when the WHERE turns the update down).
            lease_until = conn.scalar(
                sa.select(event_claims.c.lease_until).where(event_claims.c.key == key)
            )
            return EventClaim.DONE if lease_until is None else EventClaim.BUSY

    def renew_event(self, key: str, *, until: datetime) -> None:
        """Move an unfinished claim's lease on to ``until``; see `Store.renew_event`."""
        renew = (
            sa.update(event_claims)
            .where(
                event_claims.c.key == key,
                event_claims.c.lease_until.is_not(None),  # finished: nothing to renew
                event_claims.c.lease_until < until,
            )
            .values(lease_until=until)
        )
        with self._write(f"renewing event {key}") as conn:
            conn.execute(renew)

    def finish_event(self, key: str, *, at: datetime) -> None:
        """Mark ``key`` handled (no lease), recording it as claimed at ``at`` if missing."""
        insert = self._insert(event_claims).values(key=key, claimed_at=at, lease_until=None)
        done = insert.on_conflict_do_update(
            index_elements=[event_claims.c.key], set_={"lease_until": None}
        )
        with self._write(f"finishing event {key}") as conn:
            conn.execute(done)
