"""The LLM cache and usage counters in the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.ports import LLMCache, LLMUsage
from bot.store import SqlStore
from summarizer.llm import LLMSummarizer
from summarizer.llm_cache import MemoryLLMCache
from summarizer.testing import FakeOpenAI, reply

from .conftest import config_for, make_story
from .test_llm import GOOD

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def test_store_and_memory_cache_agree(store: SqlStore) -> None:
    for cache in (store, MemoryLLMCache()):
        assert isinstance(cache, LLMCache)
        assert cache.get_llm_output("h1", "m") is None
        cache.put_llm_output("h1", "m", '{"a": 1}', prompt_tokens=3, completion_tokens=4, at=NOW)
        cache.put_llm_output("h1", "m", '{"a": 2}', prompt_tokens=3, completion_tokens=4, at=NOW)
        assert cache.get_llm_output("h1", "m") == '{"a": 2}'
        assert cache.get_llm_output("h1", "other") is None
        day = date(2026, 11, 25)
        cache.add_llm_usage(LLMUsage(day, "m", requests=1, prompt_tokens=100, completion_tokens=20))
        cache.add_llm_usage(LLMUsage(day, "m", requests=1, prompt_tokens=50, failures=1))
        cache.add_llm_usage(LLMUsage(day, "n", cache_hits=2, quotes_verified=3))
        cache.add_llm_usage(LLMUsage(date(2026, 11, 24), "m", prompt_tokens=7))
        assert cache.llm_tokens_used(day) == 170
        rows = cache.llm_usage()
        assert [(u.day.day, u.model) for u in rows] == [(25, "m"), (25, "n"), (24, "m")]
        assert rows[0] == LLMUsage(day, "m", 2, 150, 20, 0, 1, 0, 0)
        assert rows[1].cache_hits == 2 and rows[1].quotes_verified == 3
        assert [u.model for u in cache.llm_usage(since=day)] == ["m", "n"]


async def test_summary_is_cached_in_the_store_across_summarizers(store: SqlStore) -> None:
    story = make_story()
    with FakeOpenAI([reply(GOOD)]) as api:
        first = LLMSummarizer(config_for(api), cache=store, clock=lambda: NOW)
        second = LLMSummarizer(config_for(api), cache=store, clock=lambda: NOW)
        try:
            fresh = await first.summarize_detailed(story)
            cached = await second.summarize_detailed(story)
        finally:
            await first.aclose()
            await second.aclose()
        assert api.calls == 1
    assert fresh.source == "llm" and cached.source == "cache"
    assert cached.summary == fresh.summary
    assert second.summarize(story) == fresh.summary  # the sync port, from the store
    [usage] = store.llm_usage()
    assert (usage.requests, usage.tokens, usage.cache_hits, usage.quotes_verified) == (1, 180, 1, 2)
