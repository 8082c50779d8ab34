"""OPML import and export: move a feed list between newsbrief and other readers.

Import reads ``<outline xmlUrl=...>`` elements at any depth (folders are
flattened; a folder's name is kept as nothing more than a hint in the title).
The parser resolves no entities and fetches nothing, so an OPML file cannot
expand into a billion laughs or read local files. Only http(s) URLs are
imported: local feed files stay an operator's config-file privilege.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from bot.domain import Feed
from bot.errors import ParseError
from bot.links import has_credentials

MAX_OPML_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None


@dataclass(frozen=True, slots=True)
class OpmlImport:
    feeds: tuple[OpmlFeed, ...]
    skipped: tuple[str, ...]  # outlines refused, each with the reason


def parse_opml(document: bytes) -> OpmlImport:
    """The feeds an OPML document lists; raise `ParseError` when it is not OPML."""
    if len(document) > MAX_OPML_BYTES:
        raise ParseError(f"OPML file over {MAX_OPML_BYTES:,} bytes")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"not an OPML file: {exc}") from exc
    if root is None or etree.QName(root).localname != "opml":
        raise ParseError("not an OPML file: the root element is not <opml>")
    feeds: dict[str, OpmlFeed] = {}
    skipped: list[str] = []
    for outline in root.iter("{*}outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder
        if not url.lower().startswith(("http://", "https://")):
            skipped.append(f"{url}: only http(s) feeds can be imported")
            continue
        if has_credentials(url):
            skipped.append("a feed with a user name or password in its URL (not imported)")
            continue
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        feeds.setdefault(url, OpmlFeed(url, title))
    return OpmlImport(tuple(feeds.values()), tuple(skipped))


def render_opml(feeds: Sequence[Feed], *, title: str = "newsbrief feeds") -> str:
    """An OPML 2.0 document listing ``feeds``."""
    created = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{escape(title)}</title><dateCreated>{created}</dateCreated></head>",
        "  <body>",
    ]
    for feed in feeds:
        name = feed.title or feed.url
        lines.append(
            f'    <outline type="rss" text={quoteattr(name)} title={quoteattr(name)}'
            f" xmlUrl={quoteattr(feed.url)}/>"
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
