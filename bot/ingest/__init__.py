"""Ingest: fetch feeds and pages, parse, dedupe, extract full text, store.

- `guard` — which URLs may be fetched (SSRF guard, checked on every redirect)
- `fetch` — `HttpFetcher`, the `FeedFetcher` port over httpx
- `parse` — feedparser documents → `Entry` values and their dedupe keys
- `fulltext` — article page → main text (trafilatura)
- `pipeline` — `poll_feeds`: all of the above for many feeds, one report each
"""

from bot.ingest.fetch import HttpFetcher
from bot.ingest.guard import UrlGuard
from bot.ingest.parse import Entry, ParsedFeed, dedupe_keys, parse_feed
from bot.ingest.pipeline import IngestReport, SeenBodies, poll_feed, poll_feeds

__all__ = [
    "Entry",
    "HttpFetcher",
    "IngestReport",
    "ParsedFeed",
    "SeenBodies",
    "UrlGuard",
    "dedupe_keys",
    "parse_feed",
    "poll_feed",
    "poll_feeds",
]
