"""`LinkReader`: the `ArticleReader` port the conversations core reads typed links through."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.errors import BlockedURLError, IngestError, ParseError
from bot.ingest import HttpFetcher, UrlGuard
from bot.ingest.reader import LinkReader
from bot.testing import FeedServer, Route

PAGE = (
    b"<html><head><title>Port &amp; harbour</title></head><body><article>"
    + b"<p>"
    + b"The harbour master said the port would reopen on Monday. " * 8
    + b"</p>"
    + b"</article></body></html>"
)
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour news</title>'
    b"<item><title>Reopening</title><link>http://example.com/a</link></item></channel></rss>"
)


@pytest.fixture
async def reader() -> AsyncIterator[LinkReader]:
    fetcher = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]))
    yield LinkReader(fetcher, allow_hosts=["127.0.0.1"])
    await fetcher.aclose()


async def test_a_story_page_is_read_with_its_title_and_main_text(reader: LinkReader) -> None:
    routes = {"/story": Route(PAGE, content_type="text/html; charset=utf-8")}
    with FeedServer(routes) as server:
        story = await reader.read_story(server.url("/story"))
    assert story.title == "Port & harbour"
    assert "harbour master said" in story.text
    assert "<p>" not in story.text


async def test_a_feed_link_gives_its_title_and_a_page_is_not_a_feed(reader: LinkReader) -> None:
    routes = {
        "/feed": Route(FEED),
        "/page": Route(b"<html><body>not a feed</body></html>", content_type="text/html"),
    }
    with FeedServer(routes) as server:
        assert await reader.read_feed_title(server.url("/feed")) == "Harbour news"
        with pytest.raises(ParseError):
            await reader.read_feed_title(server.url("/page"))


async def test_a_malformed_link_is_an_ingest_error_not_an_httpx_one(reader: LinkReader) -> None:
    with pytest.raises(IngestError, match="not a link I can read"):
        await reader.read_story("http://[::1/")


async def test_a_port_that_cannot_exist_is_refused_not_an_overflow_error(
    reader: LinkReader,
) -> None:
    # 99999 passed httpx and the guard, then the socket layer raised OverflowError
    for read in (reader.read_story, reader.read_feed_title):
        with pytest.raises(BlockedURLError, match="port 99999 does not exist"):
            await read("http://127.0.0.1:99999/")


async def test_a_private_address_is_refused_before_any_request() -> None:
    fetcher = HttpFetcher()
    try:
        with pytest.raises(BlockedURLError):
            await LinkReader(fetcher).read_story("http://10.1.2.3/story")
    finally:
        await fetcher.aclose()
