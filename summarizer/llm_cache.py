"""`MemoryLLMCache`: the `bot.ports.LLMCache` port in a dict, for one process without a store.

Used by ``newsbrief quotes --llm`` when the store is unusable and by tests; the store's
``LLMCacheStore`` is the shared one.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime

from bot.ports import LLM_COUNTERS, LLMUsage


class MemoryLLMCache:
    """The `LLMCache` port in memory: for one process that has no store."""

    def __init__(self) -> None:
        self._outputs: dict[tuple[str, str], str] = {}
        self._usage: dict[tuple[date, str], LLMUsage] = {}
        self._budget: dict[date, int] = {}  # tokens reserved or spent
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
                old, **{name: getattr(old, name) + getattr(usage, name) for name in LLM_COUNTERS}
            )

    def llm_tokens_used(self, day: date) -> int:
        with self._lock:
            return sum(u.tokens for (d, _), u in self._usage.items() if d == day)

    def reserve_llm_tokens(self, day: date, tokens: int, *, budget: int) -> bool:
        with self._lock:
            held = self._budget.get(day)
            if held is None:
                held = sum(u.tokens for (d, _), u in self._usage.items() if d == day)
            if held + tokens > budget:
                self._budget[day] = held
                return False
            self._budget[day] = held + tokens
            return True

    def settle_llm_tokens(self, day: date, *, reserved: int, used: int) -> None:
        with self._lock:
            self._budget[day] = max(0, self._budget.get(day, 0) - reserved + used)

    def llm_usage(self, *, since: date | None = None) -> list[LLMUsage]:
        with self._lock:
            rows = [u for u in self._usage.values() if since is None or u.day >= since]
        return sorted(rows, key=lambda u: (-u.day.toordinal(), u.model))
