"""Stories in a real store, for delivery tests that need real story ids."""

from __future__ import annotations

from bot.domain import Story
from bot.store import SqlStore

FEED = "https://news.example/feed.xml"


def stored_stories(store: SqlStore, count: int) -> list[int]:
    store.add_feed(FEED)
    ids = []
    for n in range(count):
        story = Story(url=f"https://news.example/{n}", title=f"S{n}", text="t", feed_url=FEED)
        stored = store.add_story(story, keys=[f"url:{story.url}"])
        assert stored.id is not None
        ids.append(stored.id)
    return ids
