"""`newsbrief demo` is offline whatever the environment: a key or a model URL set for real
runs must not send the bundled stories anywhere."""

from __future__ import annotations

import pytest
from rich.console import Console

from bot.demo.run import demo_settings
from bot.run import demo_main
from summarizer.llm import llm_config
from summarizer.testing import FakeOpenAI, reply, summary_json


async def test_the_demo_calls_no_model_with_a_key_and_a_model_url_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeOpenAI(default=reply(summary_json("a gist of three words", []))) as api:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-should-never-be-used")
        monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", api.base_url)
        monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "llama3.1:8b")
        console = Console(record=True, width=120, force_terminal=False)
        status = await demo_main(console)
        assert status == 0, console.export_text()
        assert api.calls == 0, (api.requests, api.headers)
    assert "Sergey Lavrov" in console.export_text()


def test_demo_settings_have_no_model_whatever_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-never-be-used")
    monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("NEWSBRIEF_STORE__URL", "sqlite:////nonexistent/real.db")
    monkeypatch.setenv("NEWSBRIEF_INGEST__WORKERS", "0")
    settings = demo_settings()
    assert settings.store.url == "sqlite:///:memory:"  # never the operator's real store
    assert "demo.newsbrief.invalid" in settings.ingest.allow_hosts
    assert settings.openai_api_key is None
    assert llm_config(settings) is None
