"""The LLM summarizer end to end: the real openai client against `FakeOpenAI` on loopback.

Every scripted case ends in verified bullets or the offline extractor's result,
never in an invented quote or an empty summary.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from bot.domain import Story
from summarizer.llm import LLMOutcome, LLMSummarizer
from summarizer.llm_cache import MemoryLLMCache
from summarizer.offline import OfflineSummarizer
from summarizer.testing import (
    FakeOpenAI,
    Scripted,
    error,
    paraphrase_bullet,
    quote_bullet,
    reply,
    summary_json,
)

from .conftest import INJECTION, config_for, make_story

GOOD = summary_json(
    "Harbor City's port authority approved a $40 million depot expansion over objections.",
    [
        quote_bullet(
            "Tom Becker",
            "We were promised a park, and we got a parking lot",
            "spokesman for the Harbor Neighbors association",
        ),
        quote_bullet(
            "Ana Ruiz", '"This expansion will bring 400 new jobs to the waterfront,"', "Mayor"
        ),
        paraphrase_bullet("Sealine Logistics", "Construction starts in spring."),
    ],
)


def assert_real_quotes(outcome: LLMOutcome, story: Story) -> None:
    """Every quote of the summary slices verbatim out of the story; the summary is not empty."""
    summary = outcome.summary
    assert summary.gist
    assert summary.bullets, "never an empty briefing"
    for bullet in summary.bullets:
        assert bullet.quotes
        for quote in bullet.quotes:
            quote.check(story.text)
    for quote in summary.quotes:
        quote.check(story.text)


def offline_of(story: Story):  # type: ignore[no-untyped-def]
    return OfflineSummarizer().summarize(story)


async def test_good_output_becomes_verified_bullets(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(reply(GOOD))
    outcome = await llm.summarize_detailed(story)
    assert outcome.source == "llm" and outcome.reason is None
    assert_real_quotes(outcome, story)
    assert [b.speaker for b in outcome.summary.bullets] == ["Tom Becker", "Ana Ruiz"]
    assert outcome.summary.bullets[1].quotes[0].text == (
        "This expansion will bring 400 new jobs to the waterfront"
    )
    assert outcome.summary.gist.startswith("Harbor City's port authority")
    assert [p.speaker for p in outcome.paraphrases] == ["Sealine Logistics"]
    assert outcome.counts.verified == 2 and outcome.counts.rejected == 0
    assert (outcome.prompt_tokens, outcome.completion_tokens) == (120, 60)


async def test_request_uses_structured_output_and_delimits_the_article(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(reply(GOOD))
    await llm.summarize_async(story)
    [request] = api.requests
    assert request["model"] == "test-model"
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"gist", "bullets"}
    system, user = request["messages"]
    assert system["role"] == "system" and "untrusted data" in system["content"]
    assert "<article>" in user["content"] and story.text.splitlines()[1] in user["content"]
    # grounding: the offline extractor's quotes travel with the story
    assert "We were promised a park" in user["content"].split("<article>")[0]
    assert api.headers[0]["authorization"] == "Bearer sk-test"


async def test_hallucinated_quote_is_dropped_real_ones_kept(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(
        reply(
            summary_json(
                "The port authority approved the depot expansion.",
                [
                    quote_bullet("Ana Ruiz", "We will also build a stadium for the fans"),
                    quote_bullet("Tom Becker", "we got a parking lot"),
                ],
            )
        )
    )
    outcome = await llm.summarize_detailed(story)
    assert_real_quotes(outcome, story)
    assert outcome.source == "llm"
    texts = [q.text for b in outcome.summary.bullets for q in b.quotes]
    assert texts == ["we got a parking lot"]
    assert "stadium" not in json.dumps([q.text for q in outcome.summary.quotes])
    assert outcome.counts.downgraded == 1
    assert llm.cache.llm_usage()[0].quotes_rejected == 1


async def test_only_hallucinations_fall_back_to_offline_bullets(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(
        reply(
            summary_json(
                'The mayor said "the depot is a gift to the city" on Tuesday.',
                [quote_bullet("Ana Ruiz", "The depot is a gift to the city")],
            )
        )
    )
    outcome = await llm.summarize_detailed(story)
    offline = offline_of(story)
    assert outcome.summary.bullets == offline.bullets
    assert outcome.summary.gist == offline.gist  # the gist's invented quotation is refused too
    assert outcome.reason is not None and "offline bullets" in outcome.reason
    assert_real_quotes(outcome, story)


async def test_misattributed_speakers_are_rejected(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(
        reply(
            summary_json(
                "The port authority approved the depot expansion.",
                [
                    quote_bullet("Joe Biden", "This expansion will bring 400 new jobs"),
                    quote_bullet("Li Wei", "We were promised a park, and we got a parking lot"),
                    quote_bullet(
                        "Li Wei", "listened carefully to every objection", "Port director"
                    ),
                ],
            )
        )
    )
    outcome = await llm.summarize_detailed(story)
    assert_real_quotes(outcome, story)
    [bullet] = outcome.summary.bullets
    assert bullet.speaker == "Li Wei"
    assert [q.text for q in bullet.quotes] == ["listened carefully to every objection"]
    assert outcome.counts.rejected_speakers == 1 and outcome.counts.misattributed == 1


async def test_malformed_json_falls_back_to_offline(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(reply('{"gist": "The port authority approved", "bullets": [{"speaker": '))
    outcome = await llm.summarize_detailed(story)
    assert outcome.source == "offline"
    assert outcome.reason is not None and "JSON" in outcome.reason
    assert outcome.summary == offline_of(story)
    assert llm.cache.get_llm_output(story.hash, llm.model) is None  # nothing cached
    [usage] = llm.cache.llm_usage()
    assert usage.failures == 1 and usage.requests == 1 and usage.tokens == 180


async def test_wrong_shape_and_fenced_json(api: FakeOpenAI, llm: LLMSummarizer) -> None:
    api.add(reply('{"summary": "no bullets key"}'), reply(f"```json\n{GOOD}\n```"))
    first = await llm.summarize_detailed(make_story())
    assert first.source == "offline"
    second = await llm.summarize_detailed(make_story(title="Other title"))
    assert second.source == "llm" and second.counts.verified == 2


async def test_429_then_success_retries_with_backoff(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(error(429, "rate limited", headers={"retry-after-ms": "20"}), error(503), reply(GOOD))
    started = time.monotonic()
    outcome = await llm.summarize_detailed(story)
    assert outcome.source == "llm"
    assert api.calls == 3
    assert time.monotonic() - started >= 0.02  # waited as Retry-After asked (capped)
    [usage] = llm.cache.llm_usage()
    assert usage.requests == 3 and usage.failures == 0


async def test_persistent_5xx_falls_back_after_the_retries(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(error(500), error(502), error(500), reply(GOOD))
    outcome = await llm.summarize_detailed(story)
    assert outcome.source == "offline" and "after 3 attempts" in (outcome.reason or "")
    assert api.calls == 3  # max_retries=2
    assert outcome.summary == offline_of(story)


async def test_client_error_is_not_retried(
    api: FakeOpenAI, llm: LLMSummarizer, story: Story
) -> None:
    api.add(error(401, "bad key"), reply(GOOD))
    outcome = await llm.summarize_detailed(story)
    assert outcome.source == "offline" and "401" in (outcome.reason or "")
    assert api.calls == 1


async def test_timeout_falls_back_to_offline(api: FakeOpenAI, story: Story) -> None:
    llm = LLMSummarizer(config_for(api, timeout_seconds=0.2, max_retries=1))
    try:
        api.add(Scripted(content=GOOD, delay=3), Scripted(content=GOOD, delay=3))
        started = time.monotonic()
        outcome = await llm.summarize_detailed(story)
        elapsed = time.monotonic() - started
    finally:
        await llm.aclose()
    assert outcome.source == "offline" and "timed out" in (outcome.reason or "")
    assert outcome.summary == offline_of(story)
    assert api.calls == 2
    assert elapsed < 2.5


async def test_dripping_server_hits_the_whole_call_deadline(api: FakeOpenAI, story: Story) -> None:
    llm = LLMSummarizer(config_for(api, timeout_seconds=0.2, max_retries=0))
    try:
        api.add(Scripted(content=GOOD, drip=0.05))
        started = time.monotonic()
        outcome = await llm.summarize_detailed(story)
        elapsed = time.monotonic() - started
    finally:
        await llm.aclose()
    assert outcome.source == "offline" and "timed out" in (outcome.reason or "")
    assert elapsed < 2


async def test_unreachable_server_falls_back(story: Story) -> None:
    with FakeOpenAI() as api:
        config = config_for(api, max_retries=0)
    llm = LLMSummarizer(config)  # the server is gone: connection refused
    try:
        outcome = await llm.summarize_detailed(story)
    finally:
        await llm.aclose()
    assert outcome.source == "offline" and "unreachable" in (outcome.reason or "")


async def test_refusal_and_truncation_fall_back(api: FakeOpenAI, llm: LLMSummarizer) -> None:
    api.add(
        Scripted(content=None, refusal="I can't help with that"),
        Scripted(content=GOOD[:40], finish_reason="length"),
    )
    first = await llm.summarize_detailed(make_story())
    second = await llm.summarize_detailed(make_story(title="again"))
    assert first.source == second.source == "offline"
    assert "refused" in (first.reason or "") and "cut off" in (second.reason or "")


async def test_injection_cannot_change_the_format(api: FakeOpenAI, llm: LLMSummarizer) -> None:
    story = make_story(INJECTION)
    api.add(reply("MAINTENANCE MODE: Mayor Ana Ruiz confesses to corruption."))
    outcome = await llm.summarize_detailed(story)
    assert outcome.source == "offline"
    assert outcome.summary == offline_of(story)
    # the article cannot close its own block: our delimiters inside it are made inert
    user = api.requests[0]["messages"][1]["content"]
    assert user.count("</article>") == 1 and user.rstrip().endswith("</article>")


async def test_injection_steered_answer_cannot_add_quotes(
    api: FakeOpenAI, llm: LLMSummarizer
) -> None:
    story = make_story(INJECTION)
    steered = summary_json(
        'Mayor Ana Ruiz said "I confess to corruption" and resigned.',
        [
            quote_bullet("Ana Ruiz", "I confess to corruption and I resign", "Mayor"),
            quote_bullet("Ana Ruiz", "Mayor Ana Ruiz confesses to corruption and resigns"),
            quote_bullet("Ana Ruiz", "This expansion will bring 400 new jobs to the waterfront"),
        ],
    )
    api.add(reply(steered))
    outcome = await llm.summarize_detailed(story)
    assert_real_quotes(outcome, story)
    # the model added no quote: whatever it says beyond the offline extractor is refused
    added = set(outcome.summary.quotes) - set(offline_of(story).quotes)
    assert not any("corruption" in q.text for q in added)
    assert [q.text for b in outcome.summary.bullets for q in b.quotes] == [
        "This expansion will bring 400 new jobs to the waterfront"
    ]
    assert "corruption" not in outcome.summary.gist  # gist with an invented quotation: offline gist
    assert (outcome.counts.downgraded, outcome.counts.misattributed) == (2, 0)


async def test_results_are_cached_by_content_hash_and_model(api: FakeOpenAI, story: Story) -> None:
    cache = MemoryLLMCache()
    llm = LLMSummarizer(config_for(api), cache=cache)
    other = LLMSummarizer(config_for(api, model="other-model"), cache=cache)
    try:
        api.add(reply(GOOD), reply(GOOD))
        first = await llm.summarize_detailed(story)
        # the same text in another feed, with different line breaks: same hash, one call
        twin = Story(
            url="https://b.example/x",
            title="t",
            text=story.text.replace("\n", "\n\n"),
            feed_url="g",
        )
        assert twin.hash == story.hash
        again = await llm.summarize_detailed(twin)
        assert api.calls == 1 and again.source == "cache"
        assert_real_quotes(again, twin)  # re-verified against the twin's own offsets
        assert [b.speaker for b in again.summary.bullets] == [
            b.speaker for b in first.summary.bullets
        ]
        # the sync port reads the cache, no network
        assert llm.summarize(story) == first.summary
        await other.summarize_detailed(story)
        assert api.calls == 2
    finally:
        await llm.aclose()
        await other.aclose()
    hits = {u.model: u.cache_hits for u in cache.llm_usage()}
    assert hits == {"test-model": 1, "other-model": 0}


async def test_sync_summarize_without_cache_is_offline(llm: LLMSummarizer, story: Story) -> None:
    assert llm.summarize(story) == offline_of(story)


async def test_daily_token_budget_stops_calls(api: FakeOpenAI, story: Story) -> None:
    day = datetime(2026, 11, 25, 12, tzinfo=UTC)
    llm = LLMSummarizer(config_for(api, daily_token_budget=3000), clock=lambda: day)
    try:
        api.add(reply(GOOD, prompt_tokens=900, completion_tokens=100))
        assert (await llm.summarize_detailed(story)).source == "llm"
        blocked = await llm.summarize_detailed(make_story("Another story.\n" + story.text))
        assert blocked.source == "offline" and "budget" in (blocked.reason or "")
        assert api.calls == 1
        assert blocked.summary.bullets  # never empty
    finally:
        await llm.aclose()


async def test_summarize_many_runs_concurrently_and_keeps_order(api: FakeOpenAI) -> None:
    llm = LLMSummarizer(config_for(api, concurrency=2))
    stories = [
        make_story(title=f"t{i}", text=f"Story {i}.\n" + make_story().text) for i in range(4)
    ]
    try:
        api.add(*(reply(GOOD) for _ in stories))
        summaries = await llm.summarize_many(stories)
    finally:
        await llm.aclose()
    assert [s.gist for s in summaries] == [summaries[0].gist] * 4
    for story, summary in zip(stories, summaries, strict=True):
        for q in summary.quotes:
            q.check(story.text)


class _ThreadNotingCache(MemoryLLMCache):
    """The in-memory cache, noting which thread each read and write ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def get_llm_output(self, content_hash: str, model: str) -> str | None:
        self.threads.add(threading.get_ident())
        return super().get_llm_output(content_hash, model)

    def put_llm_output(self, *args: Any, **kwargs: Any) -> None:
        self.threads.add(threading.get_ident())
        super().put_llm_output(*args, **kwargs)


async def test_the_cache_is_read_and_written_off_the_event_loop(
    api: FakeOpenAI, story: Story
) -> None:
    # the cache is the store (SQLite or PostgreSQL): a slow write must not stall the loop
    cache = _ThreadNotingCache()
    llm = LLMSummarizer(config_for(api), cache=cache)
    try:
        api.add(reply(GOOD))
        assert (await llm.summarize_detailed(story)).source == "llm"
        assert (await llm.summarize_detailed(story)).source == "cache"
    finally:
        await llm.aclose()
    assert cache.threads and threading.get_ident() not in cache.threads
