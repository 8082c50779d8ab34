"""`newsbrief quotes --llm FILE` against the fake server, and `newsbrief stats` after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from summarizer.testing import FakeOpenAI, error, reply

from .conftest import HARBOR
from .test_llm import GOOD


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("NEWSBRIEF_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NEWSBRIEF_STORE__URL", f"sqlite:///{tmp_path / 'nb.db'}")
    article = tmp_path / "harbor.txt"
    article.write_text(HARBOR, encoding="utf-8")
    return article


def test_quotes_llm_prints_verified_bullets_then_stats_shows_usage(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOpenAI([reply(GOOD), error(500)]) as api:
        monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", api.base_url)
        monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "llama3.1:8b")
        assert main(["quotes", "--llm", str(env)]) == 0
        first = capsys.readouterr().out
        assert main(["quotes", "--llm", str(env)]) == 0  # cached in the store: no call
        second = capsys.readouterr().out
        assert api.calls == 1
    assert "We were promised a park, and we got a parking lot" in first
    assert "Tom Becker" in first and "paraphrase" in first
    assert "model llama3.1:8b; 2 quotes verified, 0 refused" in first
    assert "cache (llama3.1:8b)" in second

    assert main(["stats"]) == 0
    table = capsys.readouterr().out
    assert "llama3.1:8b" in table and "today: 180 of 200,000 tokens" in table
    assert main(["stats", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["usage"]
    assert (row["requests"], row["prompt_tokens"], row["cache_hits"]) == (1, 120, 1)


def test_quotes_llm_falls_back_offline_when_the_model_fails(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOpenAI([error(500)]) as api:
        monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", api.base_url)
        monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "m")
        monkeypatch.setenv("NEWSBRIEF_LLM__MAX_RETRIES", "0")
        assert main(["quotes", "--llm", str(env)]) == 0
    out = capsys.readouterr().out
    assert "offline extractor" in out and "HTTP 500" in out
    assert "We were promised a park, and we got a parking lot" in out


def test_quotes_llm_without_a_model_says_how_to_configure(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["quotes", "--llm", str(env)]) == 2
    assert "OPENAI_API_KEY" in capsys.readouterr().out


def test_stats_without_usage(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    assert "No LLM usage recorded" in capsys.readouterr().out
