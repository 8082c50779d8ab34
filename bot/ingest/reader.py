"""`LinkReader`: a link typed in chat, read the way a poll reads feeds and story pages.

The conversations core asks it for `quotes <story link>` and `subscribe <feed link>`
through the `bot.ports.ArticleReader` port; the composition root builds it over the
same fetcher and URL guard settings as ingest. Every third-party failure is
translated here: the core sees only ``BlockedURLError`` and ``IngestError``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable

import httpx

from bot.domain import Story
from bot.errors import IngestError
from bot.ingest.formats import parse_document
from bot.ingest.fulltext import article_text
from bot.ingest.guard import UrlGuard
from bot.ingest.parse import html_to_text
from bot.ports import FeedFetcher

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TITLE_SCAN = 200_000  # a <title> lives in the head; never regex a whole hostile page


class LinkReader:
    """Implements `bot.ports.ArticleReader` over a `FeedFetcher` and a `UrlGuard`."""

    def __init__(self, fetcher: FeedFetcher, *, allow_hosts: Iterable[str] = ()) -> None:
        self.fetcher = fetcher
        self.guard = UrlGuard(allow_hosts=allow_hosts)

    async def read_story(self, url: str) -> Story:
        await self._check(url)
        result = await self.fetcher.fetch(url)
        text = await asyncio.to_thread(article_text, result.content, url=result.url)
        if text is None:
            text = html_to_text(result.content.decode("utf-8", errors="replace"))
        if not text.strip():
            raise IngestError(f"{url} has no article text I can read")
        title_match = _TITLE.search(result.content[:_TITLE_SCAN])
        title = url
        if title_match:
            title = " ".join(html_to_text(title_match[1].decode("utf-8", "replace")).split())
        return Story(url=result.url, title=title or url, text=text, feed_url=url)

    async def read_feed_title(self, url: str) -> str | None:
        await self._check(url)
        result = await self.fetcher.fetch(url)
        parsed = await asyncio.to_thread(
            parse_document,
            result.content,
            url=result.url,
            content_type=result.headers.get("content-type"),
        )
        return parsed.title or None

    async def _check(self, url: str) -> None:
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise IngestError(f"{url!r} is not a link I can read: {exc}") from exc
        await self.guard.check(target)
