"""Wiring: make_app picks the LLM summarizer when configured; poll's refine stage uses it."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import pytest

from bot.config_sync import sync_config
from bot.errors import ConfigError
from bot.run import make_app
from bot.settings import Settings
from summarizer.llm import LLMSummarizer, llm_config
from summarizer.offline import OfflineSummarizer
from summarizer.testing import FakeOpenAI, reply

from .conftest import make_story
from .test_llm import GOOD


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("NEWSBRIEF_OPENAI_API_KEY", raising=False)


def settings_for(**llm: object) -> Settings:
    return Settings(store={"url": "sqlite:///:memory:"}, llm=llm)  # type: ignore[arg-type]


async def test_offline_by_default() -> None:
    app = make_app(settings_for())
    try:
        assert isinstance(app.summarizer, OfflineSummarizer)
        assert llm_config(app.settings) is None
    finally:
        await app.aclose()


def test_key_alone_means_openai_with_the_default_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    config = llm_config(Settings())
    assert config is not None and config.model == "gpt-4o-mini" and config.base_url is None
    assert "sk-from-env" not in repr(config)


def test_base_url_without_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="llm.model"):
        llm_config(settings_for(base_url="http://127.0.0.1:11434/v1"))


async def test_new_stories_get_verified_llm_summaries_and_quotes() -> None:
    with FakeOpenAI([reply(GOOD)]) as api:
        app = make_app(settings_for(base_url=api.base_url, model="llama3.1:8b", max_retries=0))
        try:
            assert isinstance(app.summarizer, LLMSummarizer)
            assert app.summarizer.cache is cast(object, app.store)  # the store is the cache
            app.store.add_feed("https://news.example/feed")
            story = app.store.add_story(
                replace(make_story(), feed_url="https://news.example/feed"), keys=["harbor"]
            )
            assert app.summary_of(story).bullets  # offline before the model ran
            await app.refine_summaries([story])
            app.summarize_and_save([story])
            summary = app.summary_of(story)
            assert [b.speaker for b in summary.bullets] == ["Tom Becker", "Ana Ruiz"]
            assert story.id is not None
            stored = app.store.quotes_for_story(story.id)
            assert {q.speaker for q in stored} >= {"Tom Becker", "Ana Ruiz"}
            for q in stored:
                q.check(story.text)
            assert api.calls == 1
            assert api.headers[0]["authorization"] == "Bearer not-needed"  # no key: Ollama
        finally:
            await app.aclose()


async def test_poll_summarises_new_stories_with_the_model_for_briefings() -> None:
    from datetime import UTC, datetime

    from bot.testing import FeedServer, Route
    from tests.ingest.feeds import rss

    from .conftest import HARBOR

    with FeedServer() as feeds, FakeOpenAI([reply(GOOD)]) as api:
        feed_url = feeds.url("/feed.xml")
        feeds.routes["/feed.xml"] = Route(
            body=rss(
                feeds.base_url,
                [
                    {
                        "title": "Port approves depot expansion",
                        "link": feeds.url("/harbor"),
                        "description": HARBOR,
                    }
                ],
            )
        )
        settings = Settings(
            store={"url": "sqlite:///:memory:"},  # type: ignore[arg-type]
            ingest={"allow_hosts": ["127.0.0.1"], "fetch_articles": False},  # type: ignore[arg-type]
            llm={"base_url": api.base_url, "model": "m"},  # type: ignore[arg-type]
            channels=[{"id": "console:test", "feeds": [feed_url]}],  # type: ignore[arg-type]
        )
        app = make_app(settings)
        try:
            sync_config(app.store, settings, now=datetime.now(UTC))
            [report] = await app.poll()
            assert len(report.new_stories) == 1
            briefing = app.briefing_for(
                settings.channels[0], now=datetime.now(UTC), since=datetime(2000, 1, 1, tzinfo=UTC)
            )
        finally:
            await app.aclose()
        assert api.calls == 1
    [item] = briefing.items
    assert [b.speaker for b in item.bullets] == ["Tom Becker", "Ana Ruiz"]
    assert item.gist.startswith("Harbor City's port authority")
