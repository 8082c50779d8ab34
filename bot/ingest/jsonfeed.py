"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) → `Entry` values.

Registered in `bot.ingest.formats`. The same rules as RSS/Atom: only http(s)
links (relative ones resolved against the feed), HTML content reduced to text,
items without a usable link skipped with the reason, at most `MAX_ENTRIES`, and
nothing but ``ParseError`` raised.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from bot.errors import ParseError
from bot.ingest.decode import decode_document, safe_text
from bot.ingest.parse import MAX_ENTRIES, Entry, ParsedFeed, html_to_text

VERSION_PREFIX = "https://jsonfeed.org/version/"
_JSON_TYPES = ("application/feed+json", "application/json")


def sniff_json_feed(document: bytes, content_type: str | None) -> bool:
    """A JSON Feed says so by its content type, or is a JSON object naming its version."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/feed+json":
        return True
    head = document[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and (
        b"jsonfeed.org/version" in document[:4096] or kind in _JSON_TYPES
    )


def parse_json_feed(document: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a JSON Feed; ``ParseError`` when it is not JSON or not a JSON Feed."""
    try:
        data = json.loads(decode_document(document, content_type))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"{url}: not a JSON Feed ({type(exc).__name__}: {exc})") from exc
    version = data.get("version") if isinstance(data, dict) else None
    items = data.get("items") if isinstance(data, dict) else None
    if not (isinstance(version, str) and version.startswith(VERSION_PREFIX)) or not isinstance(
        items, list
    ):
        raise ParseError(f"{url}: not a JSON Feed (no version {VERSION_PREFIX}… and items)")
    entries: list[Entry] = []
    reasons: list[str] = []
    for number, item in enumerate(items[:MAX_ENTRIES], start=1):
        entry, reason = _entry(item, feed_url=url)
        if entry is not None:
            entries.append(entry)
        else:
            reasons.append(f"item {number}: {reason}")
    title = _text(data.get("title")) or None
    return ParsedFeed(title=title, entries=tuple(entries), skip_reasons=tuple(reasons))


def _entry(item: object, *, feed_url: str) -> tuple[Entry | None, str]:
    if not isinstance(item, dict):
        return None, "not an object"
    link = _link(item.get("url"), feed_url) or _link(item.get("external_url"), feed_url)
    if link is None:
        return None, "no http(s) link"
    html = item.get("content_html")
    content = html_to_text(html) if isinstance(html, str) else ""
    if not content:
        content = " ".join(_text(item.get("content_text") or item.get("summary")).split())
    title = _text(item.get("title")) or " ".join(content.split()[:12]) or link
    guid = item.get("id")
    return (
        Entry(
            link=link,
            title=title,
            guid=_text(guid) if isinstance(guid, str | int) else None,
            published_at=_date(item.get("date_published") or item.get("date_modified")),
            content=content,
        ),
        "",
    )


def _text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return " ".join(safe_text(value).split())


def _link(value: object, feed_url: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    link = urljoin(feed_url, safe_text(value).strip())
    if any(c.isspace() for c in link) or not link.lower().startswith(("http://", "https://")):
        return None
    return link


def _date(value: object) -> datetime | None:
    """RFC 3339 as JSON Feed writes it; None when absent or garbled."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)
