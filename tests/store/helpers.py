"""Small builders for store tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import Story

FEED = "https://news.example/feed.xml"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def story(n: int = 1, *, feed: str = FEED, text: str | None = None, **kw: object) -> Story:
    fields: dict[str, object] = {
        "url": f"https://news.example/a/{n}",
        "title": f"Story {n}",
        "text": text if text is not None else f"Body of story {n}.",
        "feed_url": feed,
        "guid": f"guid-{n}",
    }
    fields.update(kw)
    return Story(**fields)  # type: ignore[arg-type]


def keys(n: int = 1, *, feed: str = FEED) -> list[str]:
    return [f"guid:guid-{n}", f"url:https://news.example/a/{n}", f"title:{feed}:story {n}"]
