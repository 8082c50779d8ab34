"""A briefing made before a prune still numbers a story that retention has since emptied.

`quotes N` must then say why there are no quotes, through the real store and
the real command path, instead of answering as if nobody had been quoted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversation.core import Conversations
from bot.conversation.replies import Context
from bot.domain import Briefing, BriefingItem, Quote, QuoteKind, Story
from bot.run import make_app
from bot.settings import Settings, StoreSettings
from bot.store import SqlStore

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=45)
READER = Context(channel="console:t", user="reader")
TEXT = "“The talks are over,” Lavrov said. Other news followed."


def _briefed_story(store: SqlStore) -> Story:
    store.add_feed("https://feed.example/rss")
    story = store.add_story(
        Story(
            url="https://news.example/talks",
            title="Talks end",
            text=TEXT,
            feed_url="https://feed.example/rss",
        ),
        keys=["url:https://news.example/talks"],
        fetched_at=OLD,
    )
    assert story.id is not None
    said = "The talks are over"
    start = TEXT.index(said)
    quote = Quote(
        text=said, start=start, end=start + len(said), kind=QuoteKind.DIRECT, speaker="Lavrov"
    )
    store.save_quotes(story.id, [quote])
    item = BriefingItem(
        title=story.title,
        url=story.url,
        sources=(story.feed_url,),
        gist="",
        story_ids=(story.id,),
    )
    briefing = Briefing(
        channel=READER.channel,
        title="Morning",
        items=(item,),
        generated_at=OLD,
        idempotency_key="k1",
    )
    store.record_briefing(briefing, at=NOW)  # recent: the prune keeps the briefing's list
    return story


async def test_quotes_of_a_pruned_briefing_story_say_the_text_was_pruned(
    store: SqlStore,
) -> None:
    _briefed_story(store)
    settings = Settings(store=StoreSettings(retention_days=30))
    app = make_app(settings, store=store)
    try:
        conversations = Conversations(app)
        before = await conversations.handle(READER, "quotes 1")
        assert [c.text for c in before.citations] == ["The talks are over"]

        report = store.prune(NOW - timedelta(days=30))
        assert (report.stories, report.quotes) == (1, 1)

        after = await conversations.handle(READER, "quotes 1")
        assert after.citations == ()
        assert not after.ephemeral
        assert after.text.splitlines() == [
            "“Talks end” (https://news.example/talks)",
            f"This story's text was pruned on {NOW:%d %b %Y} after 30 days "
            "(store.retention_days); only its title and link are kept.",
        ]
    finally:
        await app.aclose()


async def test_a_prune_by_hand_without_a_retention_setting_is_explained_too(
    store: SqlStore,
) -> None:
    _briefed_story(store)
    store.prune(NOW - timedelta(days=30))  # `newsbrief prune --older-than 30`
    app = make_app(Settings(), store=store)
    try:
        reply = await Conversations(app).handle(READER, "quotes #1")
        assert reply.citations == ()
        assert "text was pruned on" in reply.text
        assert reply.text.endswith("by the retention policy; only its title and link are kept.")
    finally:
        await app.aclose()
