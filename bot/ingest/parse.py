"""Feed documents → `Entry` values, and the dedupe keys that say two entries are one story.

feedparser is lenient (it reads most broken XML and says so in ``bozo``); we
only refuse a document from which no entry, or no feed at all, comes out.
Entries without a usable link and title are skipped and counted, never fatal.
"""

from __future__ import annotations

import calendar
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import lxml.html

from bot.errors import ParseError

MAX_ENTRIES = 200  # newest first in practice; a feed's deep archive is not news
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_\w+)$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed item, cleaned: http(s) link, plain-text title and content."""

    link: str
    title: str
    guid: str | None
    published_at: datetime | None
    content: str  # the feed's own text for the item (content, else summary), as plain text


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: tuple[Entry, ...]
    skipped: int  # entries with neither a usable link nor a title


def parse_feed(document: bytes, *, url: str) -> ParsedFeed:
    """Parse an RSS/Atom/RDF document; raise `ParseError` when it is not a feed."""
    parsed = feedparser.parse(document, response_headers={"content-location": url})
    raw_entries = list(parsed.entries)
    # An empty but well-formed feed is fine; an HTML page or junk has no version.
    if not raw_entries and not (parsed.get("version") and parsed.feed):
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise ParseError(f"{url}: not an RSS or Atom feed{detail}")
    entries: list[Entry] = []
    skipped = 0
    for raw in raw_entries[:MAX_ENTRIES]:
        entry = _entry(raw)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    title = _clean(parsed.feed.get("title", "")) or None
    return ParsedFeed(title=title, entries=tuple(entries), skipped=skipped)


def _entry(raw: Any) -> Entry | None:
    link = _http_link(raw.get("link")) or _http_link(raw.get("id"))
    content = html_to_text(_content_html(raw))
    title = _clean(raw.get("title", ""))
    if link is None:
        return None
    if not title:
        title = _first_words(content) or link
    published = raw.get("published_parsed") or raw.get("updated_parsed")
    return Entry(
        link=link,
        title=title,
        guid=_clean(raw.get("id", "")) or None,
        published_at=_as_datetime(published),
        content=content,
    )


def _http_link(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value.lower().startswith(("http://", "https://")) else None


def _content_html(raw: Any) -> str:
    for part in raw.get("content") or ():
        value = part.get("value")
        if value:
            return str(value)
    return str(raw.get("summary", "") or "")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph a line."""
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return _clean_lines(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return _clean_lines(fragment)
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    return _clean_lines(root.text_content())


def _clean_lines(text: str) -> str:
    lines = (_clean(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _clean(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def _first_words(text: str, limit: int = 12) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def _as_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def normalize_url(url: str) -> str:
    """The form of a story URL that dedupe compares: no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if not _TRACKING_PARAMS.match(k.lower())]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(kept)), "")
    )


def normalize_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).casefold()
    return " ".join(re.findall(r"\w+", folded))


def dedupe_keys(entry: Entry, *, feed_url: str) -> list[str]:
    """The keys under which a story is stored; any one already known means "seen".

    The link is global (the same article from two feeds is one story); the
    guid and the normalised title are scoped to the feed, because guids are
    only unique per feed and two outlets may share a headline.
    """
    keys = [f"url:{normalize_url(entry.link)}"]
    if entry.guid:
        keys.append(f"guid:{feed_url}:{entry.guid}")
    title = normalize_title(entry.title)
    if len(title) >= 12:
        keys.append(f"title:{feed_url}:{title}")
    return keys
