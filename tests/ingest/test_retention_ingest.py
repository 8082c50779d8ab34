"""Retention against the real ingest pipeline: a pruned story still listed in its feed
is recognised by its keys, never stored or briefed again (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from bot.ingest import poll_feeds
from bot.store import SqlStore
from bot.testing import FeedServer, Route

from .feeds import rss
from .test_pipeline import NOW, PAGE, fetcher, item

CHANNEL = "console:news"


async def test_a_husk_still_listed_in_its_feed_is_not_ingested_or_briefed_again(
    store: SqlStore,
) -> None:
    with FeedServer() as server:
        server.routes["/a/one"] = server.routes["/a/two"] = PAGE
        server.routes["/feed"] = Route(body=rss(server.base_url, [item(server, "one")]))
        url = server.url("/feed")
        store.add_feed(url)
        store.subscribe(CHANNEL, url)
        f = fetcher()
        [first] = await poll_feeds([store.get_feed(url)], fetcher=f, store=store, now=NOW)
        [one] = first.new_stories
        assert one.id is not None
        # Briefed to the channel, then emptied by retention a month later.
        later = NOW + timedelta(days=31)
        owner, lease = "p1", timedelta(minutes=5)
        assert store.begin_delivery(CHANNEL, "k1", owner=owner, now=NOW, lease=lease)
        store.complete_delivery(CHANNEL, "k1", message_id="m1", story_ids=[one.id], now=NOW)
        report = store.prune(later - timedelta(days=30))
        assert report.stories == 1 and report.deliveries == 1
        assert store.get_story(one.id).text == ""
        # The feed still lists it (same link and guid), next to a new story.
        both = [item(server, "one"), item(server, "two")]
        server.routes["/feed"] = Route(body=rss(server.base_url, both))
        [second] = await poll_feeds([store.get_feed(url)], fetcher=f, store=store, now=later)
        # Still listed, with a new guid and a tracking parameter: the link alone dedupes it.
        retagged = item(server, "one", link=server.url("/a/one?utm_source=x"), guid="other")
        server.routes["/feed"] = Route(body=rss(server.base_url, [retagged, *both]))
        [third] = await poll_feeds([store.get_feed(url)], fetcher=f, store=store, now=later)
        await f.aclose()
    assert [s.url.rsplit("/", 1)[1] for s in second.new_stories] == ["two"]
    assert third.new_stories == ()
    assert server.hits("/a/one") == 1  # its page was never fetched again
    unbriefed = store.unbriefed_stories(CHANNEL, since=None)
    assert [row.story.url.rsplit("/", 1)[1] for row in unbriefed] == ["two"]
    assert store.get_story(one.id).text == ""  # still a husk, not refilled
