"""The Discord bot over the real conversations core and a store holding the seed article."""

from __future__ import annotations

from pathlib import Path

from adapters.discord.bot import NewsBot
from adapters.discord.testing import FakeDiscord, option
from bot.app import App
from bot.domain import Story
from summarizer import extract_quotes
from tests.discord.conftest import embeds_of, settle
from tests.discord.test_bot import dispatch, followups, slash

SEED = Path(__file__).parent.parent / "fixtures" / "seed-article.txt"
FEED = "https://news.example/politics.xml"


def seed_store(core: App) -> None:
    core.store.add_feed(FEED)
    text = SEED.read_text(encoding="utf-8")
    story = Story(
        url="https://news.example/kremlin", title="Kremlin cools", text=text, feed_url=FEED
    )
    stored = core.store.add_story(story, keys=["url:https://news.example/kremlin"])
    assert stored.id is not None
    core.store.save_quotes(stored.id, extract_quotes(text))


async def test_quotes_of_a_person_come_back_as_embeds(
    api: FakeDiscord, core: App, real_bot: NewsBot
) -> None:
    seed_store(core)
    dispatch(real_bot, slash(api, "quotes", [option("query", "lavrov")]))
    await settle()
    [answer] = followups(api)
    assert answer["allowed_mentions"] == {"parse": []}
    rendered = " ".join(str(e.to_dict()) for e in embeds_of(answer))
    assert "Sergey Lavrov" in rendered and "This will not work" in rendered
