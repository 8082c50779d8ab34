"""Ingest end to end: a real loopback server, a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ingest import HttpFetcher, UrlGuard, poll_feeds
from bot.store import SqlStore
from bot.testing import FeedServer, Route

from .feeds import TALKS, article, rss

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PAGE = Route(body=article("Ceasefire talks resume", TALKS), content_type="text/html")


def fetcher() -> HttpFetcher:
    return HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), read_timeout=2.0)


def item(server: FeedServer, slug: str, **extra: str) -> dict[str, str]:
    fields = {
        "title": f"Story {slug} about the ceasefire",
        "link": server.url(f"/a/{slug}"),
        "guid": f"guid-{slug}",
        "pubDate": "Tue, 24 Nov 2026 07:10:00 GMT",
        "description": f"Feed summary of {slug}.",
    }
    fields.update(extra)
    return fields


async def poll(store: SqlStore, url: str, f: HttpFetcher) -> tuple[str, int, str | None]:
    [report] = await poll_feeds([store.get_feed(url)], fetcher=f, store=store, now=NOW)
    return report.status, len(report.new_stories), report.error


async def test_full_text_then_a_304_on_the_second_poll(store: SqlStore) -> None:
    with FeedServer() as server:
        server.routes["/feed"] = Route(body=rss(server.base_url, [item(server, "one")]), etag='"1"')
        server.routes["/a/one"] = PAGE
        url = server.url("/feed")
        store.add_feed(url)
        f = fetcher()
        first = await poll_feeds([store.get_feed(url)], fetcher=f, store=store, now=NOW)
        second = await poll(store, url, f)
        await f.aclose()
    [story] = first[0].new_stories
    assert first[0].status == "new"
    assert story.title == "Story one about the ceasefire"
    assert "“We are not here to sign anything today,” said Anna Berg" in story.text
    assert "rights reserved" not in story.text and "Feed summary" not in story.text
    assert story.published_at == datetime(2026, 11, 24, 7, 10, tzinfo=UTC)
    assert len(story.hash) == 64 and story.id is not None
    assert second == ("not_modified", 0, None)
    assert server.hits("/a/one") == 1  # the page is not fetched again
    assert store.get_feed(url).etag == '"1"' and store.get_feed(url).title == "Test Wire"


async def test_only_new_entries_become_stories(store: SqlStore) -> None:
    with FeedServer() as server:
        server.routes["/a/one"] = server.routes["/a/two"] = PAGE
        server.routes["/feed"] = Route(body=rss(server.base_url, [item(server, "one")]))
        url = server.url("/feed")
        store.add_feed(url)
        f = fetcher()
        assert await poll(store, url, f) == ("new", 1, None)
        assert await poll(store, url, f) == ("unchanged", 0, None)
        # Same story with a tracking parameter and a new guid: the link still matches.
        retagged = item(server, "one", link=server.url("/a/one?utm_source=rss"), guid="other")
        two = [retagged, item(server, "two")]
        server.routes["/feed"] = Route(body=rss(server.base_url, two))
        assert await poll(store, url, f) == ("new", 1, None)
        await f.aclose()
    assert sorted(s.url.rsplit("/", 1)[1] for s in store.recent_stories()) == ["one", "two"]


async def test_the_same_link_from_two_feeds_is_one_story(store: SqlStore) -> None:
    with FeedServer() as server:
        server.routes["/a/one"] = PAGE
        server.routes["/f1"] = Route(body=rss(server.base_url, [item(server, "one")]))
        server.routes["/f2"] = Route(body=rss(server.base_url, [item(server, "one", guid="x")]))
        for path in ("/f1", "/f2"):
            store.add_feed(server.url(path))
        f = fetcher()
        reports = await poll_feeds(store.list_feeds(), fetcher=f, store=store, now=NOW)
        await f.aclose()
    assert sum(len(r.new_stories) for r in reports) >= 1
    assert len(store.recent_stories()) == 1


async def test_a_failed_page_falls_back_to_the_feed_text(store: SqlStore) -> None:
    with FeedServer() as server:
        items = [
            item(server, "missing"),  # 404
            item(server, "meta", link="http://169.254.169.254/latest/meta-data/"),
        ]
        server.routes["/feed"] = Route(body=rss(server.base_url, items))
        url = server.url("/feed")
        store.add_feed(url)
        f = fetcher()
        status, count, _ = await poll(store, url, f)
        await f.aclose()
    assert (status, count) == ("new", 2)
    texts = sorted(s.text for s in store.recent_stories())
    assert texts == ["Feed summary of meta.", "Feed summary of missing."]


async def test_entries_without_link_or_title_are_skipped_not_fatal(store: SqlStore) -> None:
    with FeedServer() as server:
        items = [
            {"description": "no link, no title"},
            item(server, "local", link="file:///etc/passwd", guid="file:///etc/passwd"),
            item(server, "untitled", title=""),
        ]
        server.routes["/feed"] = Route(body=rss(server.base_url, items))
        server.routes["/a/untitled"] = PAGE
        url = server.url("/feed")
        store.add_feed(url)
        f = fetcher()
        [report] = await poll_feeds([store.get_feed(url)], fetcher=f, store=store, now=NOW)
        await f.aclose()
    assert (report.status, report.skipped) == ("new", 2)
    [story] = report.new_stories
    assert story.title.startswith("Feed summary of untitled")


BAD_FEEDS = {
    "not xml": Route(body=b"\x89PNG\r\n\x1a\n\0\0binary", content_type="image/png"),
    "html page": Route(body=b"<html><body><p>Hello</p></body></html>", content_type="text/html"),
    "server error": Route(status=500, body=b"oops"),
    "not found": Route(status=404, body=b"gone"),
    "huge": Route(body=b"<rss>" + b"x" * 2_000_000),
}


@pytest.mark.parametrize("case", sorted(BAD_FEEDS))
async def test_a_bad_feed_is_recorded_and_loses_nothing(store: SqlStore, case: str) -> None:
    with FeedServer() as server:
        server.routes["/a/one"] = PAGE
        server.routes["/feed"] = Route(body=rss(server.base_url, [item(server, "one")]))
        url = server.url("/feed")
        store.add_feed(url)
        f = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), max_bytes=1_000_000)
        assert await poll(store, url, f) == ("new", 1, None)
        server.routes["/feed"] = BAD_FEEDS[case]
        status, count, error = await poll(store, url, f)
        again = await poll(store, url, f)
        server.routes["/feed"] = Route(body=rss(server.base_url, [item(server, "one")]))
        recovered = await poll(store, url, f)
        await f.aclose()
    assert (status, count) == ("error", 0) and error
    assert again[0] == "error"
    assert recovered == ("unchanged", 0, None)
    feed = store.get_feed(url)
    assert feed.consecutive_failures == 0 and feed.last_success_at is not None
    assert len(store.recent_stories()) == 1


async def test_failures_count_up_with_a_clear_message(store: SqlStore) -> None:
    with FeedServer({"/feed": Route(body=b"this is not a feed", content_type="text/plain")}) as s:
        url = s.url("/feed")
        store.add_feed(url)
        f = fetcher()
        counts = []
        for _ in range(3):
            feed = store.get_feed(url)
            [report] = await poll_feeds([feed], fetcher=f, store=store, now=NOW)
            counts.append(report.consecutive_failures)  # the scheduler's backoff reads it
        await f.aclose()
    feed = store.get_feed(url)
    assert feed.consecutive_failures == 3 and counts == [1, 2, 3]
    assert feed.last_error is not None and "not an RSS or Atom feed" in feed.last_error
