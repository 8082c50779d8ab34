"""The conversations core phrases follow-up answers with the model, citing stored quotes only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.conversation.core import Conversations
from bot.conversation.replies import Context
from bot.domain import Story
from bot.run import make_app
from bot.settings import Settings
from summarizer import extract_quotes
from summarizer.testing import FakeOpenAI, answer_json, reply

SEED = Path(__file__).parent.parent / "fixtures" / "seed-article.txt"
FEED = "https://news.example/feed"
ASKER = Context(channel="console:test", user="u1")


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("NEWSBRIEF_OPENAI_API_KEY", raising=False)


def seeded_app(api: FakeOpenAI) -> App:
    settings = Settings(
        store={"url": "sqlite:///:memory:"},  # type: ignore[arg-type]
        llm={"base_url": api.base_url, "model": "llama3.1:8b", "max_retries": 0},  # type: ignore[arg-type]
    )
    app = make_app(settings)
    app.store.add_feed(FEED)
    text = SEED.read_text(encoding="utf-8")
    story = Story(
        url="https://news.example/kremlin", title="Kremlin cools", text=text, feed_url=FEED
    )
    stored = app.store.add_story(story, keys=["kremlin"])
    assert stored.id is not None
    app.store.save_quotes(stored.id, extract_quotes(text))
    return app


async def test_a_question_is_answered_in_the_models_words_with_stored_citations() -> None:
    with FakeOpenAI([reply(answer_json("Lavrov dismissed the talks outright [1].", [1]))]) as api:
        app = seeded_app(api)
        try:
            answer = await Conversations(app).handle(ASKER, "what did Lavrov say?")
        finally:
            await app.aclose()
    assert answer.text == "Lavrov dismissed the talks outright [1]."
    [cited] = answer.citations
    assert cited.speaker == "Sergey Lavrov"
    assert cited.text in SEED.read_text(encoding="utf-8")


async def test_an_invented_quotation_falls_back_to_the_retrieved_quotes() -> None:
    invented = answer_json('Lavrov said "we will sign tomorrow" [1].', [1])
    with FakeOpenAI([reply(invented)]) as api:
        app = seeded_app(api)
        try:
            answer = await Conversations(app).handle(ASKER, "what did Lavrov say?")
        finally:
            await app.aclose()
    assert "we will sign tomorrow" not in answer.text
    assert answer.citations and all(c.speaker == "Sergey Lavrov" for c in answer.citations)


async def test_a_who_is_answer_keeps_its_facts_before_the_models_words() -> None:
    with FakeOpenAI([reply(answer_json("He spoke for Moscow [1].", [1]))]) as api:
        app = seeded_app(api)
        try:
            answer = await Conversations(app).handle(ASKER, "who is Sergey Lavrov?")
        finally:
            await app.aclose()
    first, model = answer.text.split("\n")
    assert first.startswith("Sergey Lavrov") and "quoted in 1 story" in first
    assert model == "He spoke for Moscow [1]."
    assert [c.speaker for c in answer.citations] == ["Sergey Lavrov"]
