"""The LLM summarizer's cache and usage counters in the database (migration 0004).

`LLMCacheStore` (mixed into `SqlStore`) implements the `bot.ports.LLMCache` port, so
every process and every channel shares one model call per story and model;
``summarizer.llm_cache.MemoryLLMCache`` is the in-memory one (``quotes --llm``, tests).
Days are UTC dates; the daily token budget counts prompt plus completion
tokens of every model.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bot.ports import LLM_COUNTERS as COUNTERS
from bot.ports import LLMUsage
from bot.store.schema import llm_budget, llm_cache, llm_usage

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


class LLMCacheStore:
    """Mixin of `SqlStore`: the `LLMCache` port on the ``llm_cache`` and ``llm_usage`` tables."""

    if TYPE_CHECKING:

        def _read(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert: ...

    def get_llm_output(self, story_hash: str, model: str) -> str | None:
        query = sa.select(llm_cache.c.output).where(
            llm_cache.c.story_hash == story_hash, llm_cache.c.model == model
        )
        with self._read("reading the LLM cache") as conn:
            return conn.execute(query).scalar_one_or_none()

    def put_llm_output(
        self,
        story_hash: str,
        model: str,
        output: str,
        *,
        prompt_tokens: int,
        completion_tokens: int,
        at: datetime,
    ) -> None:
        insert = self._insert(llm_cache).values(
            story_hash=story_hash,
            model=model,
            output=output,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            created_at=at,
        )
        statement = insert.on_conflict_do_update(
            index_elements=[llm_cache.c.story_hash, llm_cache.c.model],
            set_={
                "output": insert.excluded.output,
                "prompt_tokens": insert.excluded.prompt_tokens,
                "completion_tokens": insert.excluded.completion_tokens,
                "created_at": insert.excluded.created_at,
            },
        )
        with self._write("writing the LLM cache") as conn:
            conn.execute(statement)

    def add_llm_usage(self, usage: LLMUsage) -> None:
        """Add ``usage``'s counters to its day and model (one upsert)."""
        values = {name: getattr(usage, name) for name in COUNTERS}
        insert = self._insert(llm_usage).values(day=usage.day, model=usage.model, **values)
        statement = insert.on_conflict_do_update(
            index_elements=[llm_usage.c.day, llm_usage.c.model],
            set_={name: llm_usage.c[name] + insert.excluded[name] for name in COUNTERS},
        )
        with self._write("recording LLM usage") as conn:
            conn.execute(statement)

    def llm_tokens_used(self, day: date) -> int:
        query = sa.select(
            sa.func.coalesce(
                sa.func.sum(llm_usage.c.prompt_tokens + llm_usage.c.completion_tokens), 0
            )
        ).where(llm_usage.c.day == day)
        with self._read("reading LLM usage") as conn:
            return int(conn.execute(query).scalar_one())

    def reserve_llm_tokens(self, day: date, tokens: int, *, budget: int) -> bool:
        """One conditional UPDATE of the day's row: atomic on PostgreSQL (the row lock
        re-checks the condition) and on SQLite (one writer)."""
        spent = sa.select(
            sa.func.coalesce(
                sa.func.sum(llm_usage.c.prompt_tokens + llm_usage.c.completion_tokens), 0
            )
        ).where(llm_usage.c.day == day)
        create = (
            self._insert(llm_budget)
            .from_select(
                ["day", "tokens"], sa.select(sa.literal(day, sa.Date), spent.scalar_subquery())
            )
            .on_conflict_do_nothing(index_elements=[llm_budget.c.day])
        )
        reserve = (
            sa.update(llm_budget)
            .where(llm_budget.c.day == day, llm_budget.c.tokens + tokens <= budget)
            .values(tokens=llm_budget.c.tokens + tokens)
        )
        with self._write("reserving LLM tokens") as conn:
            conn.execute(create)
            return conn.execute(reserve).rowcount == 1

    def settle_llm_tokens(self, day: date, *, reserved: int, used: int) -> None:
        settle = (
            sa.update(llm_budget)
            .where(llm_budget.c.day == day)
            .values(
                tokens=sa.case(
                    (llm_budget.c.tokens - reserved + used < 0, 0),
                    else_=llm_budget.c.tokens - reserved + used,
                )
            )
        )
        with self._write("settling LLM tokens") as conn:
            conn.execute(settle)

    def llm_usage(self, *, since: date | None = None) -> list[LLMUsage]:
        """Usage rows, newest day first, then by model."""
        query = sa.select(llm_usage).order_by(llm_usage.c.day.desc(), llm_usage.c.model)
        if since is not None:
            query = query.where(llm_usage.c.day >= since)
        with self._read("reading LLM usage") as conn:
            rows = conn.execute(query).all()
        return [
            LLMUsage(
                day=row.day, model=row.model, **{name: int(getattr(row, name)) for name in COUNTERS}
            )
            for row in rows
        ]
