"""Nothing lost: every stored story ends with its quotes, whenever the process dies.

Quotes are saved as each feed's stories are stored (not after every feed), and
a story stored by a process that died before quoting it is quoted by the next
poll or run.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config_sync import sync_config
from bot.domain import Story
from bot.run import make_app
from bot.scheduler import Runner
from bot.settings import Settings
from bot.store import SqlStore
from bot.testing import FeedServer, Route
from tests.ingest.feeds import rss

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
QUOTED = "“We will not sign anything today,” said Anna Berg, the Swedish foreign minister."


def settings(server: FeedServer, **ingest: Any) -> Settings:
    return Settings(
        store={"url": "sqlite:///:memory:"},
        ingest={"allow_hosts": ["127.0.0.1"], "fetch_articles": False, "workers": 0, **ingest},
        feeds=[{"url": server.url("/fast.xml")}, {"url": server.url("/slow.xml")}],
    )


def item(server: FeedServer, slug: str) -> dict[str, str]:
    return {"title": f"Story {slug}", "link": server.url(f"/a/{slug}"), "description": QUOTED}


def quoted(store: SqlStore) -> dict[str, int]:
    return {s.title: len(store.quotes_for_story(s.id or 0)) for s in store.recent_stories()}


async def test_a_feed_is_quoted_as_soon_as_it_is_stored_not_after_every_feed(
    store: SqlStore,
) -> None:
    with FeedServer() as server:
        server.routes["/fast.xml"] = Route(body=rss(server.base_url, [item(server, "fast")]))
        slow = rss(server.base_url, [item(server, "slow")])
        server.routes["/slow.xml"] = Route(body=slow, delay=30.0)
        app = make_app(settings(server, read_timeout_seconds=60), store=store)
        sync_config(app.store, app.settings, now=NOW)
        poll = asyncio.create_task(app.poll(now=NOW))
        for _ in range(300):  # until the fast feed's story is quoted (a loaded machine is slow)
            await asyncio.sleep(0.05)
            if quoted(store).get("Story fast"):
                break
        poll.cancel()  # the process dies while the slow feed is still on its way
        await asyncio.gather(poll, return_exceptions=True)
        await app.fetcher.aclose()  # type: ignore[attr-defined]
    assert quoted(store) == {"Story fast": 1}


async def test_a_story_a_dead_process_never_quoted_is_quoted_by_the_next_poll(
    store: SqlStore,
) -> None:
    with FeedServer() as server:
        app = make_app(settings(server), store=store)
        sync_config(app.store, app.settings, now=NOW)
        # What a process killed between storing and quoting leaves behind:
        orphan = Story(
            url=server.url("/a/orphan"),
            title="Orphan",
            text=QUOTED,
            feed_url=server.url("/fast.xml"),
        )
        store.add_stories([(orphan, [])], fetched_at=NOW - timedelta(hours=1))
        server.routes["/fast.xml"] = Route(body=rss(server.base_url, []))
        server.routes["/slow.xml"] = Route(body=rss(server.base_url, []))
        runner = Runner(app, owner="test", clock=lambda: NOW, rng=random.Random(1))
        sync_config(app.store, app.settings, now=NOW)
        await runner.tick()
        await runner.settle()
        await app.fetcher.aclose()  # type: ignore[attr-defined]
    assert quoted(store) == {"Orphan": 1}
    assert store.stories_awaiting_quotes(fetched_before=NOW) == []


def test_a_story_without_quotes_is_not_pending_once_summarised(store: SqlStore) -> None:
    store.add_feed("https://n.example/f")
    [story] = store.add_stories(
        [
            (
                Story(
                    url="https://n.example/a", title="T", text="x", feed_url="https://n.example/f"
                ),
                [],
            )
        ],
        fetched_at=NOW,
    )
    later = NOW + timedelta(seconds=1)
    assert [s.id for s in store.stories_awaiting_quotes(fetched_before=later)] == [story.id]
    assert store.stories_awaiting_quotes(fetched_before=NOW) == []  # only older than asked
    store.save_quotes(story.id or 0, [])  # summarised: it quotes nobody
    assert store.stories_awaiting_quotes(fetched_before=later) == []
