"""Retention (migration 0006): old stories emptied, old log rows deleted, in batches.

`RetentionStore` is mixed into `SqlStore`. A story is never deleted: its dedupe
keys (``story_keys``) and the record of the channels that received it
(``briefed_stories``) cascade from it, and without them a story still listed in
its feed would be ingested again as new and briefed twice. Instead an old story
becomes a *husk*: its text is emptied and its quotes deleted (the full-text
indexes follow: SQLite's FTS5 triggers on ``stories`` and ``quotes`` remove the
old entries, PostgreSQL recomputes the generated ``tsvector`` columns), and
``pruned_at`` marks it so it is never new to a channel, listed or found again.

Every batch is its own short transaction. Batches are picked with
``FOR NO KEY UPDATE SKIP LOCKED`` on PostgreSQL (the lock does not block a
concurrent insert of a row referencing the story), so several processes pruning
at once take disjoint rows and each row is counted once; on SQLite, BEGIN
IMMEDIATE serialises them. Every statement re-checks its condition, so a
repeated or concurrent prune is harmless.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.ports import PruneReport
from bot.store.schema import (
    as_utc,
    briefing_items,
    deliveries,
    llm_cache,
    quotes,
    stories,
)

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement

DEFAULT_BATCH = 500
# Deliveries that are over: a post, or a slot closed with nothing to say. A "claimed"
# row is live (or a crash to recover) and is never deleted.
_FINISHED = ("posted", "empty")
# Pause notices are looked up by key for as long as their feed stays paused (which may
# be longer than any window): deleting one would post it again, so they stay.
_KEPT_KINDS = ("notice",)


class RetentionStore:
    """Mixin of `SqlStore`: ``prune``."""

    if TYPE_CHECKING:

        def _read(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...

    def prune(
        self,
        before: datetime,
        *,
        batch: int = DEFAULT_BATCH,
        dry_run: bool = False,
        max_batches: int | None = None,
    ) -> PruneReport:
        """Empty stories fetched before ``before``; delete older log rows. See `Store.prune`.

        The work goes ``batch`` rows per transaction (at least one), table by
        table, until a batch comes back short or ``max_batches`` transactions
        are spent (then the report is not ``complete``); a ``dry_run`` counts
        the same rows in one read and writes nothing.
        """
        cutoff = as_utc(before)
        size = max(1, batch)
        if dry_run:
            return self._count_prunable(cutoff)
        budget = _Budget(max_batches)
        stories_n, quotes_n = self._husk_stories(cutoff, size, budget)
        old_deliveries = self._delete_batches(
            deliveries,
            (deliveries.c.id,),
            _old_deliveries(cutoff),
            deliveries.c.posted_at,
            size,
            budget,
        )
        item_key = (
            briefing_items.c.idempotency_key,
            briefing_items.c.position,
            briefing_items.c.story_id,
        )
        old_items = self._delete_batches(
            briefing_items,
            item_key,
            briefing_items.c.created_at < cutoff,
            briefing_items.c.created_at,
            size,
            budget,
        )
        old_outputs = self._delete_batches(
            llm_cache,
            (llm_cache.c.story_hash, llm_cache.c.model),
            llm_cache.c.created_at < cutoff,
            llm_cache.c.created_at,
            size,
            budget,
        )
        return PruneReport(
            stories=stories_n,
            quotes=quotes_n,
            deliveries=old_deliveries,
            briefing_items=old_items,
            llm_cache=old_outputs,
            # out of budget: done all the same when nothing is left to prune
            complete=not budget.spent or self._count_prunable(cutoff).total == 0,
        )

    def _husk_stories(self, cutoff: datetime, size: int, budget: _Budget) -> tuple[int, int]:
        """Empty the stories fetched before ``cutoff``, ``size`` at a time; (stories, quotes)."""
        emptied = deleted = 0
        while budget.take():
            pick = (
                sa.select(stories.c.id)
                .where(_prunable_story(cutoff))
                .order_by(stories.c.fetched_at, stories.c.id)
                .limit(size)
                # NO KEY: a briefed_stories insert (FK KEY SHARE lock) is not blocked.
                .with_for_update(skip_locked=True, key_share=True)
            )
            with self._write("emptying old stories") as conn:
                ids = list(conn.scalars(pick))
                if not ids:
                    budget.refund()
                    break
                deleted += conn.execute(
                    sa.delete(quotes).where(quotes.c.story_id.in_(ids))
                ).rowcount
                emptied += conn.execute(
                    sa.update(stories)
                    .where(stories.c.id.in_(ids), stories.c.pruned_at.is_(None))
                    .values(text="", pruned_at=datetime.now(UTC))
                ).rowcount
            if len(ids) < size:
                break
        return emptied, deleted

    def _delete_batches(
        self,
        table: sa.Table,
        key: tuple[sa.Column[Any], ...],
        condition: ColumnElement[bool],
        age: sa.Column[Any],
        size: int,
        budget: _Budget,
    ) -> int:
        """Delete ``table``'s rows matching ``condition``, oldest first, ``size`` at a time."""
        total = 0
        while budget.take():
            pick = (
                sa.select(*key)
                .where(condition)
                .order_by(age)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
            target = key[0].in_(pick) if len(key) == 1 else sa.tuple_(*key).in_(pick)
            with self._write(f"pruning old rows of {table.name}") as conn:
                deleted = int(conn.execute(sa.delete(table).where(target)).rowcount)
            if not deleted:
                budget.refund()
            total += deleted
            if deleted < size:
                break
        return total

    def _count_prunable(self, cutoff: datetime) -> PruneReport:
        old = sa.select(stories.c.id).where(_prunable_story(cutoff))

        def count(table: sa.Table, condition: ColumnElement[bool]) -> sa.ScalarSelect[int]:
            return sa.select(sa.func.count()).select_from(table).where(condition).scalar_subquery()

        query = sa.select(
            count(stories, _prunable_story(cutoff)),
            count(quotes, quotes.c.story_id.in_(old)),
            count(deliveries, _old_deliveries(cutoff)),
            count(briefing_items, briefing_items.c.created_at < cutoff),
            count(llm_cache, llm_cache.c.created_at < cutoff),
        )
        with self._read("counting what a prune would remove") as conn:
            row = conn.execute(query).one()
        stories_n, quotes_n, deliveries_n, items_n, outputs_n = (int(n) for n in row)
        return PruneReport(
            stories=stories_n,
            quotes=quotes_n,
            deliveries=deliveries_n,
            briefing_items=items_n,
            llm_cache=outputs_n,
            dry_run=True,
        )


class _Budget:
    """How many more transactions that find rows one `prune` call may spend (None: no
    limit). One that finds nothing is refunded, so every call gets past the tables
    already done and a small budget still finishes."""

    def __init__(self, batches: int | None) -> None:
        self.left = batches
        self.spent = False  # a batch was wanted after the last one allowed

    def take(self) -> bool:
        if self.left is None:
            return True
        if self.left <= 0:
            self.spent = True
            return False
        self.left -= 1
        return True

    def refund(self) -> None:
        if self.left is not None:
            self.left += 1


def _prunable_story(cutoff: datetime) -> ColumnElement[bool]:
    return sa.and_(stories.c.pruned_at.is_(None), stories.c.fetched_at < cutoff)


def _old_deliveries(cutoff: datetime) -> ColumnElement[bool]:
    return sa.and_(
        deliveries.c.status.in_(_FINISHED),
        deliveries.c.kind.not_in(_KEPT_KINDS),
        deliveries.c.posted_at < cutoff,
    )
