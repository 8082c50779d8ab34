"""Spending and waiting: the token budget is reserved in the store before each call (shared
by processes), a dead server costs seconds, and a body that is not a chat completion is one
log line and the offline result."""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime

import pytest

from bot.domain import Story
from bot.store import SqlStore, make_store
from summarizer.llm import LLMSummarizer
from summarizer.llm_cache import MemoryLLMCache
from summarizer.testing import FakeOpenAI, Scripted, reply

from .conftest import config_for, make_story
from .test_llm import GOOD

DAY = datetime(2026, 11, 25, 12, tzinfo=UTC)


def stories(n: int) -> list[Story]:
    return [make_story(title=f"t{i}", text=f"Story {i}.\n" + make_story().text) for i in range(n)]


def test_reservations_fit_the_budget_and_settle_to_actual_use(store: SqlStore) -> None:
    day = date(2026, 11, 25)
    for cache in (store, MemoryLLMCache()):
        assert cache.reserve_llm_tokens(day, 600, budget=1000)
        assert not cache.reserve_llm_tokens(day, 600, budget=1000)  # 1200 would pass it
        cache.settle_llm_tokens(day, reserved=600, used=150)
        assert cache.reserve_llm_tokens(day, 600, budget=1000)  # 750 now
        cache.settle_llm_tokens(day, reserved=600, used=0)  # a failed call: released
        assert cache.reserve_llm_tokens(day, 850, budget=1000)
        assert not cache.reserve_llm_tokens(date(2026, 11, 26), 1001, budget=1000)


async def test_two_processes_sharing_a_store_stay_within_one_reservation_of_the_budget(
    store_url: str,
) -> None:
    # Regression: each call checked today's usage, then four ran at once (and every process
    # did the same): a 10,000-token budget ended at 17,200.
    budget = 10_000
    with FakeOpenAI(default=reply(GOOD, prompt_tokens=1_500, completion_tokens=300)) as api:
        stores = [make_store(store_url), make_store(store_url)]
        config = config_for(api, daily_token_budget=budget, concurrency=4)
        runners = [LLMSummarizer(config, cache=s, clock=lambda: DAY) for s in stores]
        try:
            import asyncio

            await asyncio.gather(*(r.summarize_many(stories(8)) for r in runners))
        finally:
            for r in runners:
                await r.aclose()
            used = stores[0].llm_tokens_used(DAY.date())
            for s in stores:
                s.close()
    reservation = config.max_output_tokens + 6_000 // 3  # a prompt is under 6,000 characters
    assert 0 < used <= budget + reservation
    assert api.calls == used // 1_800


async def test_a_server_that_never_answers_costs_the_deadline_not_timeout_times_retries(
    story: Story,
) -> None:
    with FakeOpenAI(default=Scripted(content=GOOD, delay=30)) as api:
        config = config_for(api, timeout_seconds=10, max_retries=3, deadline_seconds=0.5)
        llm = LLMSummarizer(config)
        began = time.monotonic()
        try:
            outcome = await llm.summarize_detailed(story)
        finally:
            await llm.aclose()
    assert time.monotonic() - began < 3
    assert outcome.source == "offline" and outcome.reason == "deadline passed"
    assert outcome.summary.bullets  # never empty


async def test_a_poll_of_many_stories_against_a_dead_server_ends_at_the_poll_deadline() -> None:
    with FakeOpenAI(default=Scripted(content=GOOD, delay=30)) as api:
        config = config_for(
            api, deadline_seconds=5, poll_deadline_seconds=0.5, concurrency=2, max_retries=0
        )
        llm = LLMSummarizer(config)
        began = time.monotonic()
        try:
            summaries = await llm.summarize_many(stories(6))
        finally:
            await llm.aclose()
    assert time.monotonic() - began < 3
    assert len(summaries) == 6 and all(s.bullets for s in summaries)


def test_the_default_deadlines_are_seconds() -> None:
    from bot.settings import LLMSettings

    llm = LLMSettings()
    assert llm.deadline_seconds <= 30 and llm.poll_deadline_seconds <= 60
    assert llm.timeout_seconds <= llm.deadline_seconds


@pytest.mark.parametrize(
    "body",
    [
        Scripted(body=b"<html><body>Gateway says hi</body></html>", content_type="text/html"),
        Scripted(body=b"<html><body>Gateway says hi</body></html>"),
        Scripted(body=b'{"object": "list"}'),
        Scripted(body=b'{"choices": "nope"}'),
        Scripted(body=b"null"),
    ],
    ids=["html", "html-as-json", "no-choices", "choices-not-a-list", "null"],
)
async def test_a_body_that_is_not_a_chat_completion_is_one_log_line_and_the_fallback(
    body: Scripted, story: Story, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeOpenAI([body]) as api:
        llm = LLMSummarizer(config_for(api, max_retries=0))
        try:
            with caplog.at_level(logging.WARNING):
                outcome = await llm.summarize_detailed(story)
        finally:
            await llm.aclose()
    assert outcome.source == "offline" and outcome.summary.bullets
    records = [r for r in caplog.records if r.name.startswith("summarizer")]
    assert len(records) == 1
    assert records[0].exc_info is None and "Traceback" not in caplog.text
