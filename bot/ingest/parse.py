"""Feed documents → `Entry` values, and the dedupe keys that say two entries are one story.

feedparser is lenient (it reads most broken XML and says so in ``bozo``); we
only refuse a document from which no entry, or no feed at all, comes out.
Entries without a usable link and title are skipped with the reason, never fatal.

Nothing but `ParseError` leaves `parse_feed`: the document is decoded and
neutralised first (`bot.ingest.decode`), and should feedparser still raise on
some construct, each item is parsed on its own so the good ones are kept.
"""

from __future__ import annotations

import calendar
import html
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from bot.errors import ParseError
from bot.ingest.decode import decode_document, safe_markup, safe_text
from bot.links import story_url_key

log = logging.getLogger(__name__)

MAX_ENTRIES = 200  # newest first in practice; a feed's deep archive is not news
_SPACE = re.compile(r"\s+")
_SPACE_OR_REPLACEMENT = re.compile(r"[\s\ufffd]")  # \s is str.isspace's set
# Where the items of a document start and end, to parse them one by one when the whole fails.
_ITEM = re.compile(r"<(item|entry)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Elements whose content is never text (what feedparser's sanitizer removed with its content).
_NOT_TEXT = ("script", "style", "applet")
_NOT_TEXT_RE = re.compile(r"<(script|style|applet)\b.*?(</\1\s*>|$)", re.DOTALL | re.IGNORECASE)


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
    skip_reasons: tuple[str, ...] = ()  # one line per item left out, saying why

    @property
    def skipped(self) -> int:
        return len(self.skip_reasons)


def parse_feed(document: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS/Atom/RDF document; raise `ParseError` when it is not a feed.

    ``content_type`` is the HTTP header, whose ``charset`` wins over the
    document's own declaration (as HTTP says it does).
    """
    text = safe_markup(decode_document(document, content_type))
    try:
        parsed = _feedparser(text)
    except Exception as exc:  # feedparser on a construct it cannot take: item by item
        log.info(
            "%s: feedparser failed (%s: %s); parsing item by item", url, type(exc).__name__, exc
        )
        return _item_by_item(text, url=url, failure=exc)
    raw_entries = list(parsed.entries)
    # An empty but well-formed feed is fine; an HTML page or junk has no version.
    if not raw_entries and not (parsed.get("version") and parsed.feed):
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise ParseError(f"{url}: not an RSS or Atom feed{detail}")
    entries: list[Entry] = []
    reasons: list[str] = []
    for number, raw in enumerate(raw_entries[:MAX_ENTRIES], start=1):
        entry, reason = entry_or_reason(raw, feed_url=url)
        if entry is not None:
            entries.append(entry)
        else:
            reasons.append(f"item {number}: {reason}")
    title = clean_text(parsed.feed.get("title", "")) or None
    return ParsedFeed(title=title, entries=tuple(entries), skip_reasons=tuple(reasons))


def _feedparser(text: str) -> Any:
    # Already decoded: say so, or feedparser sniffs again (and a text/xml without a
    # charset would be read as US-ASCII). No content-location: relative links are
    # resolved by `_entry` against the feed URL, and a bare guid is not made a link.
    # Nor sanitising or link rewriting inside content: `html_to_text` keeps only the text
    # (without script and style), and both cost a sixth of feedparser's time.
    return feedparser.parse(
        text.encode("utf-8"),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def _item_by_item(text: str, *, url: str, failure: Exception) -> ParsedFeed:
    """Each item parsed in the document's own frame; the ones feedparser chokes on are skipped."""
    items = list(_ITEM.finditer(text))
    if not items:
        raise ParseError(f"{url}: not a feed we can read ({type(failure).__name__}: {failure})")
    head, tail = text[: items[0].start()], text[items[-1].end() :]
    entries: list[Entry] = []
    reasons: list[str] = []
    for number, item in enumerate(items[:MAX_ENTRIES], start=1):
        try:
            raw_entries = list(_feedparser(head + item[0] + tail).entries)
        except Exception as exc:  # this item is the one feedparser cannot take
            reasons.append(f"item {number}: unreadable ({type(exc).__name__})")
            continue
        if not raw_entries:
            reasons.append(f"item {number}: unreadable")
            continue
        entry, reason = entry_or_reason(raw_entries[0], feed_url=url)
        if entry is not None:
            entries.append(entry)
        else:
            reasons.append(f"item {number}: {reason}")
    try:
        title = clean_text(_feedparser(head + tail).feed.get("title", "")) or None
    except Exception:  # the channel's own elements are what failed: no title, entries kept
        title = None
    return ParsedFeed(title=title, entries=tuple(entries), skip_reasons=tuple(reasons))


def entry_or_reason(raw: Any, *, feed_url: str) -> tuple[Entry | None, str]:
    """An entry from feedparser's entry dict (or `bot.ingest.plainfeed`'s copy of one)."""
    try:
        entry = _entry(raw, feed_url=feed_url)
    except Exception as exc:  # one odd item must not cost the feed its other items
        log.info("%s: item left out (%s: %s)", feed_url, type(exc).__name__, exc)
        return None, f"unreadable ({type(exc).__name__})"
    if entry is not None:
        return entry, ""
    if not any(raw.get(k) for k in ("title", "link", "id", "summary", "content")):
        return None, "empty (no link, title or text)"
    return None, "no http(s) link"


def _entry(raw: Any, *, feed_url: str) -> Entry | None:
    link = _entry_link(raw, feed_url)
    content = html_to_text(_content_html(raw))
    title = _title(raw)
    if link is None:
        return None
    if not title:
        title = _first_words(content) or link
    # dict.get: feedparser's dict answers a missing updated_parsed with published_parsed
    # and a DeprecationWarning (an error where warnings are, as in the tests).
    published = raw.get("published_parsed") or dict.get(raw, "updated_parsed")
    return Entry(
        link=link,
        title=title,
        guid=clean_text(raw.get("id", "")) or None,
        published_at=_as_datetime(published),
        content=content,
    )


def _entry_link(raw: Any, feed_url: str) -> str | None:
    """The item's link, relative ones resolved against the feed; a guid only when it is a URL.

    feedparser copies an RSS guid into ``link`` when the item has no link
    (``guidislink``); a guid such as ``12345`` is an id, not a page on the feed's host.
    """
    guid_link = _http_link(raw.get("id"))
    link = raw.get("link")
    if raw.get("guidislink") and link == raw.get("id"):
        return guid_link
    if isinstance(link, str) and link.strip():
        try:
            resolved = urljoin(feed_url, safe_text(link.strip()))
        except ValueError:  # a malformed link ("http://[x") cannot be resolved
            resolved = ""
        return _http_link(resolved) or guid_link
    return guid_link


def _http_link(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = safe_text(value).strip()
    if _SPACE_OR_REPLACEMENT.search(value):
        return None
    return value if value.lower().startswith(("http://", "https://")) else None


def _title(raw: Any) -> str:
    title = str(raw.get("title", "") or "")
    detail = raw.get("title_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        return " ".join(html_to_text(title).split())
    return clean_text(title)


def _content_html(raw: Any) -> str:
    for part in raw.get("content") or ():
        value = part.get("value")
        if value:
            return str(value)
    return str(raw.get("summary", "") or "")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph a line."""
    fragment = safe_markup(fragment)
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return _clean_lines(html.unescape(fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        for hidden in list(root.iter(*_NOT_TEXT)):
            hidden.drop_tree()  # its content is code, not text; what follows it stays
        for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "blockquote"):
            block.tail = "\n" + (block.tail or "")
        return _clean_lines(root.text_content())
    except (ValueError, AssertionError, lxml.etree.LxmlError):
        # lxml asserts ("too many bodies") on a whole page with stray markup: a page
        # read in chat when trafilatura found no article comes this way.
        return _clean_lines(html.unescape(_NOT_TEXT_RE.sub(" ", fragment)))


def _clean_lines(text: str) -> str:
    lines = (clean_text(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def clean_text(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", safe_text(str(text)))).strip()


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


def normalize_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).casefold()
    return " ".join(re.findall(r"\w+", folded))


def dedupe_keys(entry: Entry, *, feed_url: str) -> list[str]:
    """The keys under which a story is stored; any one already known means "seen".

    The link is global (the same article from two feeds is one story); the
    guid and the normalised title are scoped to the feed, because guids are
    only unique per feed and two outlets may share a headline.
    """
    keys = [story_url_key(entry.link)]
    if entry.guid:
        keys.append(f"guid:{feed_url}:{entry.guid}")
    title = normalize_title(entry.title)
    if len(title) >= 12:
        keys.append(f"title:{feed_url}:{title}")
    return keys
