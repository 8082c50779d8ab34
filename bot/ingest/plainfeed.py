"""Plain RSS 2.0 and Atom 1.0 feeds read with lxml: feedparser's result at a fraction of its cost.

feedparser was 80% of a cold poll's parsing time. Most feeds are plain: a well-formed
``rss/channel/item`` or Atom ``feed/entry`` document of a few well-known elements.
`read_plain_feed` reads those with lxml (no DTD, no entities, no network) and builds,
per item, the entry dict feedparser's strict parser would build -- the same text
clean-up, link, guid and date rules, with feedparser's own date parser and URL join --
which `entry_or_reason` turns into an `Entry`, as it does feedparser's.

Anything else is not plain: not well-formed, a DOCTYPE or entity declaration, another
root, an element, attribute or namespace not listed here, a field given twice, markup
or a comment inside a field. Then `read_plain_feed` says None and `parse_plain_feed`
hands the document, whole, to `parse_feed` (feedparser and its fallbacks). A document
thus gets feedparser's `ParsedFeed` either way; ``benchmarks/plainfeed_check.py``
compares the two paths on the test, demo, benchmark and generated hostile feeds.

The feedparser internals used here (`_parse_date`, `_urljoin`, `_cp1252`,
`looks_like_html`, `map_content_type`) are what keeps the results the same; the
check and ``tests/ingest/test_plainfeed.py`` catch a release that changes them.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any

import lxml.etree
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin

from bot.ingest.decode import decode_document, safe_markup
from bot.ingest.parse import MAX_ENTRIES, ParsedFeed, clean_text, entry_or_reason, parse_feed

ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Text constructs whose text feedparser keeps as is (no base64 decoding, no XHTML escaping).
_TEXT_TYPES = frozenset({"text/plain", "text/html"})
# Declared on an Atom root, these make feedparser call the document RSS 1.0 or 0.90, and
# then guess whether titles are HTML as it does for RSS.
_RSS1_NAMESPACES = frozenset({"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"})
_DECLARATIONS = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"<\?xml\b([^>]*)\?>")
_VERSION_10 = re.compile(r"""\bversion\s*=\s*["']1\.0["']""")
# feedparser's repair of query strings in RSS links ("?a=1&b;=2" back to "?a=1&b=2").
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")

_looks_like_html = _FeedParserMixin.looks_like_html
_content_type = _FeedParserMixin.map_content_type

# Elements of an RSS channel that change nothing we read (feedparser stores them aside).
_CHANNEL_ASIDE = frozenset(
    {
        "link",
        "description",
        "language",
        "copyright",
        "managingEditor",
        "webMaster",
        "generator",
        "docs",
        "ttl",
    }
)
_CHANNEL_DATES = frozenset({"pubDate", "lastBuildDate"})
_IMAGE_PARTS = frozenset({"url", "title", "link", "width", "height", "description"})
_ITEM_ASIDE = frozenset({"author", "comments", _DC + "creator"})
_ITEM_ONCE = frozenset(
    {"title", "link", "description", "guid", "pubDate", _CONTENT_ENCODED, _DC + "date"}
)
_ATOM_FEED_ASIDE = frozenset({ATOM + "id", ATOM + "updated", ATOM + "icon", ATOM + "logo"})
_ATOM_AUTHOR_PARTS = frozenset({ATOM + "name", ATOM + "email", ATOM + "uri"})
_ATOM_ENTRY_ONCE = frozenset(
    {ATOM + n for n in ("title", "id", "updated", "published", "summary", "content")}
)
_NONE: frozenset[str] = frozenset()
_TYPE = frozenset({"type"})
_LINK_ATTRIBUTES = frozenset({"href", "rel", "type", "hreflang", "title", "length"})

_local = threading.local()  # an lxml parser is used by one thread at a time


class _NotPlain(Exception):
    """A construct feedparser might read otherwise than this module: feedparser reads it."""


def parse_plain_feed(document: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """`parse_feed`'s result: read here when the document is plain, by feedparser otherwise.

    Registered in `bot.ingest.formats`; raises ``ParseError`` and nothing else.
    """
    parsed = read_plain_feed(safe_markup(decode_document(document, content_type)), url=url)
    if parsed is not None:
        return parsed
    return parse_feed(document, url=url, content_type=content_type)


def sniff_plain_feed(document: bytes, content_type: str | None) -> bool:
    """Whether the document may be plain RSS or Atom: its root is named early on."""
    head = document[:1024]
    return b"<rss" in head or b"<feed" in head


def read_plain_feed(text: str, *, url: str) -> ParsedFeed | None:
    """The feed of ``text`` (decoded, `safe_markup`-ed) if it is plain; None otherwise."""
    try:
        return read_or_refuse(text, url=url)
    except _NotPlain:
        return None
    except Exception:  # something unforeseen in a hostile document: feedparser's to read
        return None


def read_or_refuse(text: str, *, url: str) -> ParsedFeed | None:
    """`read_plain_feed` with its unforeseen errors raised (the check script's view)."""
    declaration = _XML_DECLARATION.match(text)
    if _DECLARATIONS.search(text) or (
        declaration is not None and not _VERSION_10.search(declaration[1])
    ):
        return None
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), _parser())
    except (lxml.etree.LxmlError, ValueError):
        return None
    try:
        if root.tag == "rss":
            title, raws = _rss(root)
        elif root.tag == ATOM + "feed":
            title, raws = _atom(root)
        else:
            return None
    except _NotPlain:
        return None
    if not raws:
        return None  # whether an empty document is a feed at all is feedparser's call
    entries = []
    reasons = []
    for number, raw in enumerate(raws[:MAX_ENTRIES], start=1):
        entry, reason = entry_or_reason(raw, feed_url=url)
        if entry is not None:
            entries.append(entry)
        else:
            reasons.append(f"item {number}: {reason}")
    return ParsedFeed(
        title=clean_text(title) or None, entries=tuple(entries), skip_reasons=tuple(reasons)
    )


def _parser() -> lxml.etree.XMLParser:
    parser: lxml.etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = lxml.etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        _local.parser = parser
    return parser


def _rss(root: Any) -> tuple[str, list[dict[str, Any]]]:
    _attributes(root, frozenset({"version", _XML_LANG}))
    children = _children(root)
    if len(children) != 1 or children[0].tag != "channel":
        raise _NotPlain
    channel = children[0]
    _attributes(channel, _NONE)
    title: str | None = None
    raws: list[dict[str, Any]] = []
    for child in _children(channel):
        tag = child.tag
        if tag == "item":
            raws.append(_rss_item(child))
        elif tag == "title":
            if title is not None:
                raise _NotPlain
            title = _repaired(_popped(child, _NONE))
        elif tag in _CHANNEL_ASIDE:
            _popped(child, _NONE)
        elif tag in _CHANNEL_DATES:
            _date(_popped(child, _NONE))
        elif tag == "category":
            _popped(child, frozenset({"domain"}))
        elif tag == ATOM + "link":
            _popped(child, frozenset({"href", "rel", "type"}))
        elif tag == "image":
            _attributes(child, _NONE)
            for part in _children(child):
                if part.tag not in _IMAGE_PARTS:
                    raise _NotPlain
                _popped(part, _NONE)
        else:
            raise _NotPlain
    return title or "", raws


def _children_once(element: Any, once: frozenset[str]) -> list[Any]:
    """``element``'s children; a field of ``once`` given twice is not plain (feedparser
    keeps one of the two by rules of its own)."""
    children = _children(element)
    tags = [c.tag for c in children if c.tag in once]
    if len(tags) != len(set(tags)):
        raise _NotPlain
    return children


def _rss_item(item: Any) -> dict[str, Any]:
    """feedparser's dict for an RSS item (`_start_item` … `_end_item`), its keys we read."""
    _attributes(item, _NONE)
    raw: dict[str, Any] = {}
    for child in _children_once(item, _ITEM_ONCE):
        tag = child.tag
        if tag == "title":
            value = _popped(child, _NONE)
            kind = "text/html" if _looks_like_html(value) else "text/plain"
            raw["title"] = _repaired(value)
            raw["title_detail"] = {"type": kind}
        elif tag == "link":
            value = _repaired(_resolved(_popped(child, _NONE)))
            if "&" in value:
                value = _LINK_ENTITY.sub(_ampersand, value.replace("&amp;", "&"))
            raw["link"] = value
        elif tag == "guid":
            attributes = _attributes(child, frozenset({"isPermaLink"}))
            _guid(raw, child, attributes.get("isPermaLink", "true") == "true")
        elif tag == "description":
            raw["summary"] = _repaired(_popped(child, _NONE))
        elif tag == _CONTENT_ENCODED:
            _content(raw, _repaired(_popped(child, _NONE)))
        elif tag == "pubDate":
            raw["published_parsed"] = _date(_repaired(_popped(child, _NONE)))
        elif tag == _DC + "date":
            raw["updated_parsed"] = _date(_repaired(_popped(child, _NONE)))
        elif tag in _ITEM_ASIDE:
            _popped(child, _NONE)
        elif tag == "category":
            _popped(child, frozenset({"domain"}))
        elif tag == "enclosure":
            _popped(child, frozenset({"url", "length", "type"}))
        else:
            raise _NotPlain
    return raw


def _atom(root: Any) -> tuple[str, list[dict[str, Any]]]:
    _attributes(root, frozenset({_XML_LANG}))
    if any(uri and uri.lower() in _RSS1_NAMESPACES for uri in root.nsmap.values()):
        raise _NotPlain
    title: str | None = None
    raws: list[dict[str, Any]] = []
    for child in _children(root):
        tag = child.tag
        if tag == ATOM + "entry":
            raws.append(_atom_entry(child))
        elif tag == ATOM + "title":
            if title is not None:
                raise _NotPlain
            _text_type(child)
            title = _repaired(_popped(child, _TYPE))
        elif tag == ATOM + "subtitle" or tag == ATOM + "rights":
            _text_type(child)
            _popped(child, _TYPE)
        elif tag in _ATOM_FEED_ASIDE:
            value = _popped(child, _NONE)
            if tag == ATOM + "updated":
                _date(_repaired(value))
        elif tag == ATOM + "link":
            _atom_link(child)
        elif tag == ATOM + "author":
            _atom_author(child)
        elif tag == ATOM + "category":
            _popped(child, frozenset({"term", "scheme", "label"}))
        elif tag == ATOM + "generator":
            _popped(child, frozenset({"uri", "version"}))
        else:
            raise _NotPlain
    return title or "", raws


def _atom_entry(entry: Any) -> dict[str, Any]:
    """feedparser's dict for an Atom entry, its keys we read."""
    _attributes(entry, _NONE)
    raw: dict[str, Any] = {}
    for child in _children_once(entry, _ATOM_ENTRY_ONCE):
        tag = child.tag
        if tag == ATOM + "title":
            kind = _text_type(child)
            raw["title"] = _repaired(_popped(child, _TYPE))
            raw["title_detail"] = {"type": kind}
        elif tag == ATOM + "link":
            rel, kind, href = _atom_link(child)
            if rel == "alternate" and _content_type(kind) in _HTML_TYPES:
                raw["link"] = href
        elif tag == ATOM + "id":
            _guid(raw, child, True)
        elif tag == ATOM + "summary":
            _text_type(child)
            raw["summary"] = _repaired(_popped(child, _TYPE))
        elif tag == ATOM + "content":
            _text_type(child)
            _content(raw, _repaired(_popped(child, _TYPE)))
        elif tag == ATOM + "published":
            raw["published_parsed"] = _date(_repaired(_popped(child, _NONE)))
        elif tag == ATOM + "updated":
            raw["updated_parsed"] = _date(_repaired(_popped(child, _NONE)))
        elif tag == ATOM + "author":
            _atom_author(child)
        elif tag == ATOM + "category":
            _popped(child, frozenset({"term", "scheme", "label"}))
        else:
            raise _NotPlain
    return raw


def _atom_link(link: Any) -> tuple[str, str, str]:
    """(rel, type, href) as feedparser's `_start_link` defaults and resolves them."""
    attributes = _attributes(link, _LINK_ATTRIBUTES)
    if "href" not in attributes or len(link):
        raise _NotPlain  # a link in the element's text: feedparser's RSS-style handling
    rel = attributes.get("rel", "alternate").lower()
    kind = attributes.get("type", "application/atom+xml" if rel == "self" else "text/html")
    return rel, kind.lower(), _urljoin("", attributes["href"])


def _atom_author(author: Any) -> None:
    _attributes(author, _NONE)
    for part in _children(author):
        if part.tag not in _ATOM_AUTHOR_PARTS:
            raise _NotPlain
        _popped(part, _NONE)


def _text_type(element: Any) -> str:
    """An Atom text construct's type, if its text is kept as is; `_NotPlain` otherwise."""
    kind = _content_type(element.get("type", "text/plain").lower())
    if kind not in _TEXT_TYPES:
        raise _NotPlain  # xhtml (escaped by feedparser) or another type (base64-decoded)
    return str(kind)


def _guid(raw: dict[str, Any], element: Any, is_link: bool) -> None:
    """feedparser's `_end_guid`: the guid is the link unless the item has one of its own."""
    value = _popped(element, frozenset({"isPermaLink"}) if element.tag == "guid" else _NONE)
    if is_link and value:
        value = _resolved(value)
    value = _repaired(value)
    raw["id"] = value
    raw.setdefault("guidislink", is_link and "link" not in raw)
    if is_link:
        raw.setdefault("link", value)


def _content(raw: dict[str, Any], value: str) -> None:
    """feedparser's `_end_content`: the content, and the summary unless there is one."""
    raw.setdefault("content", []).append({"value": value})
    raw.setdefault("summary", value)


def _children(element: Any) -> list[Any]:
    """The child elements; comments and processing instructions between them are skipped."""
    return [child for child in element if isinstance(child.tag, str)]


def _attributes(element: Any, allowed: frozenset[str]) -> Any:
    attributes = element.attrib
    if attributes and not allowed.issuperset(attributes.keys()):
        raise _NotPlain
    return attributes


def _popped(element: Any, allowed: frozenset[str]) -> str:
    """The element's text as feedparser's `pop` starts from it: stripped, markup-free."""
    _attributes(element, allowed)
    if len(element):
        raise _NotPlain  # child elements or comments: feedparser keeps markup as text
    return str(element.text or "").strip()


def _repaired(text: str) -> str:
    """feedparser's `pop`: UTF-8 once read as Latin-1 is repaired, then C1 mapped to cp1252."""
    if text.isascii():
        return text  # both steps leave ASCII as it is
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252)


def _ampersand(match: re.Match[str]) -> str:
    return "&" + match[1]


def _resolved(value: str) -> str:
    return str(_urljoin("", value)) if value else value


def _date(value: str) -> Any:
    try:
        return _parse_date(value)
    except Exception as exc:  # feedparser would have raised: it parses the document
        raise _NotPlain from exc
