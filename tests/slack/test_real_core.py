"""The Slack app over the real conversations core and a store holding the seed article."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.testing import event_body
from bot.domain import Story
from summarizer import extract_quotes

from .conftest import SlackWorld
from .test_bot import command, dispatch_http, dispatch_socket, mention

SEED = Path(__file__).parent.parent / "fixtures" / "seed-article.txt"
FEED = "https://news.example/politics.xml"


def seed_store(world: SlackWorld) -> str:
    store = world.core.store
    store.add_feed(FEED)
    text = SEED.read_text(encoding="utf-8")
    story = Story(
        url="https://news.example/kremlin", title="Kremlin cools", text=text, feed_url=FEED
    )
    stored = store.add_story(story, keys=["url:https://news.example/kremlin"])
    assert stored.id is not None
    store.save_quotes(stored.id, extract_quotes(text))
    return text


async def test_quotes_of_a_person_come_back_verbatim_in_slack(real_world: SlackWorld) -> None:
    text = seed_store(real_world)
    status, _ = await dispatch_http(real_world, command(real_world, "/quotes", "lavrov"))
    assert status == 200
    (answer,) = await real_world.slack.wait_for("respond:r1")
    rendered = str(answer.params["blocks"])
    assert "Sergey Lavrov" in rendered
    assert "This will not work" in rendered and "This will not work" in text


async def test_a_mention_is_answered_in_thread_with_citations(real_world: SlackWorld) -> None:
    seed_store(real_world)
    event = mention("<@UNEWSBRIEF> what did Zelenskyy say?")
    assert await dispatch_socket(real_world, event_body(event, event_id="EvZ")) == 200
    (post,) = await real_world.slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == event["ts"]
    assert "Volodymyr Zelenskyy" in str(post.params["blocks"])
