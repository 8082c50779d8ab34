"""The LLM summarizer's cache and usage counters (migration 0004).

`LLMCache` is what ``summarizer.llm.LLMSummarizer`` needs of a store:
`LLMCacheStore` (mixed into `SqlStore`) keeps it in the database, so every
process and every channel shares one model call per story and model;
`MemoryLLMCache` keeps it in a dict (the ``quotes --llm`` command, tests).
Days are UTC dates; the daily token budget counts prompt plus completion
tokens of every model.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import sqlalchemy as sa

from bot.store.schema import llm_cache, llm_usage

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


@dataclass(frozen=True, slots=True)
class LLMUsage:
    """One day's use of one model. ``failures`` are calls that fell back to the offline
    extractor; ``quotes_rejected`` are model quotes verification did not let through."""

    day: date
    model: str
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    failures: int = 0
    quotes_verified: int = 0
    quotes_rejected: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


COUNTERS = tuple(f.name for f in fields(LLMUsage) if f.name not in ("day", "model"))


@runtime_checkable
class LLMCache(Protocol):
    """Cached model output by (story content hash, model), and usage per day and model.

    Implementations raise ``StoreError`` and nothing else.
    """

    def get_llm_output(self, story_hash: str, model: str) -> str | None: ...
    def put_llm_output(
        self,
        story_hash: str,
        model: str,
        output: str,
        *,
        prompt_tokens: int,
        completion_tokens: int,
        at: datetime,
    ) -> None: ...
    def add_llm_usage(self, usage: LLMUsage) -> None: ...
    def llm_tokens_used(self, day: date) -> int: ...
    def llm_usage(self, *, since: date | None = None) -> list[LLMUsage]: ...


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


class MemoryLLMCache:
    """The `LLMCache` port in memory: for one process that has no store."""

    def __init__(self) -> None:
        self._outputs: dict[tuple[str, str], str] = {}
        self._usage: dict[tuple[date, str], LLMUsage] = {}
        self._lock = threading.Lock()

    def get_llm_output(self, story_hash: str, model: str) -> str | None:
        with self._lock:
            return self._outputs.get((story_hash, model))

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
        with self._lock:
            self._outputs[(story_hash, model)] = output

    def add_llm_usage(self, usage: LLMUsage) -> None:
        with self._lock:
            key = (usage.day, usage.model)
            old = self._usage.get(key, LLMUsage(day=usage.day, model=usage.model))
            self._usage[key] = replace(
                old, **{name: getattr(old, name) + getattr(usage, name) for name in COUNTERS}
            )

    def llm_tokens_used(self, day: date) -> int:
        with self._lock:
            return sum(u.tokens for (d, _), u in self._usage.items() if d == day)

    def llm_usage(self, *, since: date | None = None) -> list[LLMUsage]:
        with self._lock:
            rows = [u for u in self._usage.values() if since is None or u.day >= since]
        return sorted(rows, key=lambda u: (-u.day.toordinal(), u.model))
