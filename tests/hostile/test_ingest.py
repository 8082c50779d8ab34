"""Hostile feeds through the whole ingest: a real loopback server, a real store."""

from __future__ import annotations

import gzip
import tracemalloc
from datetime import UTC, datetime

import pytest

from bot.errors import ResponseTooLargeError
from bot.ingest import HttpFetcher, UrlGuard, poll_feeds
from bot.store import SqlStore
from bot.testing import FeedServer, Route

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def fetcher(**kwargs: object) -> HttpFetcher:
    options: dict[str, object] = {"guard": UrlGuard(allow_hosts=["127.0.0.1"]), "read_timeout": 5.0}
    options.update(kwargs)
    return HttpFetcher(**options)  # type: ignore[arg-type]


def rss(*items: tuple[str, str]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}</channel></rss>'
    )


async def test_a_bad_item_costs_only_itself_in_a_poll(store: SqlStore) -> None:
    with FeedServer() as server:
        document = rss(
            ("before the bad one", server.url("/a/1")),
            ("bad &#xD800; ref", server.url("/a/2")),
            ("after the bad one", server.url("/a/3")),
        )
        server.routes["/feed"] = Route(body=document.encode())
        url = server.url("/feed")
        store.add_feed(url)
        f = fetcher()
        [report] = await poll_feeds(
            [store.get_feed(url)], fetcher=f, store=store, now=NOW, fetch_articles=False
        )
        await f.aclose()
    assert report.status == "new", report.error
    assert sorted(s.title for s in store.recent_stories()) == [
        "after the bad one",
        "bad \ufffd ref",
        "before the bad one",
    ]


async def test_the_http_charset_of_a_feed_is_honoured(store: SqlStore) -> None:
    with FeedServer() as server:
        document = rss(("Новости дня", server.url("/a/ru"))).encode("windows-1251")
        server.routes["/feed"] = Route(
            body=document, content_type="application/rss+xml; charset=windows-1251"
        )
        url = server.url("/feed")
        store.add_feed(url)
        f = fetcher()
        await poll_feeds(
            [store.get_feed(url)], fetcher=f, store=store, now=NOW, fetch_articles=False
        )
        await f.aclose()
    assert [s.title for s in store.recent_stories()] == ["Новости дня"]


async def test_a_story_listed_by_two_feeds_is_new_once(store: SqlStore) -> None:
    with FeedServer() as server:
        shared = rss(
            ("Shared story one", server.url("/a/1")), ("Shared story two", server.url("/a/2"))
        )
        for path in ("/f1", "/f2", "/f3"):
            server.routes[path] = Route(body=shared.encode())
            store.add_feed(server.url(path))
        f = fetcher()
        reports = await poll_feeds(
            store.list_feeds(), fetcher=f, store=store, now=NOW, fetch_articles=False
        )
        await f.aclose()
    assert sum(len(r.new_stories) for r in reports) == 2
    assert len(store.recent_stories()) == 2


async def test_a_gzip_bomb_is_stopped_without_inflating_it() -> None:
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # 200 MB of zeros, 200 kB sent
    route = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    with FeedServer({"/bomb": route}) as server:
        f = fetcher(max_bytes=1_000_000)
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError, match="after decompression"):
                await f.fetch(server.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        await f.aclose()
    assert peak < 8_000_000, f"peak {peak:,} bytes while refusing a 1 MB-capped bomb"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
async def test_compressed_bodies_still_arrive_whole(encoding: str) -> None:
    import zlib

    body = b"<rss>" + b"news " * 50_000 + b"</rss>"
    if encoding == "gzip":
        wire = gzip.compress(body)
    elif encoding == "deflate":
        wire = zlib.compress(body)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        wire = packer.compress(body) + packer.flush()
    header = encoding.removesuffix("-raw")
    with FeedServer({"/z": Route(body=wire, headers={"Content-Encoding": header})}) as server:
        f = fetcher()
        result = await f.fetch(server.url("/z"))
        await f.aclose()
    assert result.content == body


async def test_a_feed_of_slow_article_links_is_bounded_as_a_whole(store: SqlStore) -> None:
    import time

    with FeedServer() as server:
        links = [(f"Slow story number {n}", server.url(f"/a/{n}")) for n in range(6)]
        server.routes["/feed"] = Route(body=rss(*links).encode())
        for n in range(6):  # each page alone is within its own deadline
            server.routes[f"/a/{n}"] = Route(body=b"<html><p>x</p></html>", delay=0.8)
        store.add_feed(server.url("/feed"))
        f = fetcher(per_host=1, read_timeout=2.0)  # the host serves one page at a time
        started = time.monotonic()
        [report] = await poll_feeds(
            store.list_feeds(), fetcher=f, store=store, now=NOW, articles_deadline=1.5
        )
        elapsed = time.monotonic() - started
        await f.aclose()
    assert report.status == "new" and len(report.new_stories) == 6
    assert elapsed < 4.0, (
        f"{elapsed:.1f} s for six 0.8 s pages one at a time under a 1.5 s deadline"
    )
