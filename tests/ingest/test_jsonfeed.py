"""JSON Feed 1.1 through the parser seam: sniffed, parsed, and ingested end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.errors import ParseError
from bot.ingest import HttpFetcher, UrlGuard, poll_feeds
from bot.ingest.formats import FORMATS, parse_document
from bot.store import SqlStore
from bot.testing import FeedServer, Route

from .feeds import article

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
# Its own page text: ingest remembers bodies it has seen (across polls), so reusing another
# test's page would make this one look like a repeat.
HARBOUR = [
    "The harbour authority said on Monday that the new container terminal would open in "
    "March, two months later than planned, after storms damaged the northern quay.",
    "“We would rather open late than open a quay we cannot trust,” said Tomas Lind, the "
    "authority's director. “The ships will come either way.”",
    "Shipping companies had been told to route their vessels through the old terminal "
    "until the repairs are finished and inspected by the national maritime agency.",
]


def json_feed(base: str, items: list[dict[str, object]]) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON Wire",
            "home_page_url": f"{base}/",
            "items": items,
        }
    ).encode()


def test_json_feed_items_become_entries() -> None:
    document = json_feed(
        "https://wire.example",
        [
            {
                "id": "1",
                "url": "/a/one",
                "title": "Talks resume",
                "content_html": "<p>Anna Berg <b>spoke</b>.</p>",
                "date_published": "2026-11-24T08:10:00+01:00",
            },
            {"id": 2, "external_url": "https://other.example/x", "content_text": "No title here"},
            {"id": "3", "url": "javascript:alert(1)", "title": "Bad link"},
            "not an item",
        ],
    )
    parsed = parse_document(document, url="https://wire.example/feed.json")
    assert parsed.title == "JSON Wire"
    first, second = parsed.entries
    assert first.link == "https://wire.example/a/one"
    assert first.title == "Talks resume" and first.content == "Anna Berg spoke."
    assert first.published_at == datetime(2026, 11, 24, 7, 10, tzinfo=UTC)
    assert first.guid == "1"
    assert second.link == "https://other.example/x" and second.title == "No title here"
    assert parsed.skip_reasons == ("item 3: no http(s) link", "item 4: not an object")


def test_rss_still_goes_to_feedparser_and_junk_json_is_a_parse_error() -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    assert parse_document(rss, url="https://n.example/rss").title == "T"
    with pytest.raises(ParseError, match="not a JSON Feed"):
        parse_document(
            b'{"version": 1}', url="https://n.example/x", content_type="application/json"
        )
    with pytest.raises(ParseError, match="not a JSON Feed"):
        parse_document(
            b"{not json", url="https://n.example/x", content_type="application/feed+json"
        )
    assert [f.name for f in FORMATS][-1] == "RSS/Atom/RDF"  # the catch-all comes last


async def test_a_json_feed_is_ingested_with_full_text(store: SqlStore) -> None:
    with FeedServer() as server:
        items = [{"id": "one", "url": server.url("/a/one"), "title": "Harbour terminal delayed"}]
        server.routes["/feed.json"] = Route(
            body=json_feed(server.base_url, items), content_type="application/feed+json"
        )
        server.routes["/a/one"] = Route(
            body=article("Harbour terminal delayed", HARBOUR), content_type="text/html"
        )
        url = server.url("/feed.json")
        store.add_feed(url)
        fetcher = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), read_timeout=2.0)
        try:
            [report] = await poll_feeds(
                [store.get_feed(url)], fetcher=fetcher, store=store, now=NOW
            )
        finally:
            await fetcher.aclose()
    assert report.status == "new", report.error
    [story] = report.new_stories
    assert story.title == "Harbour terminal delayed"
    assert "said Tomas Lind" in story.text
    assert store.get_feed(url).title == "JSON Wire"
