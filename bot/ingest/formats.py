"""The feed formats ingest reads, and which one a document is.

A format is a `FeedFormat`: a name, a `sniff` that says from the first bytes (and
the HTTP content type) whether a document is its kind, and a `parse` that turns
the document into a `ParsedFeed` or raises ``ParseError``. `parse_document` asks
each registered format in turn; RSS/Atom (feedparser) comes last and takes
everything the others leave (plain RSS 2.0 and Atom 1.0 documents are read the
same way, faster, by `bot.ingest.plainfeed` just before it). A new format is one
module plus one line in `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.ingest.jsonfeed import parse_json_feed, sniff_json_feed
from bot.ingest.parse import ParsedFeed, parse_feed
from bot.ingest.plainfeed import parse_plain_feed, sniff_plain_feed


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One kind of feed document. ``parse`` raises ``ParseError`` and nothing else."""

    name: str
    sniff: Callable[[bytes, str | None], bool]
    parse: Callable[..., ParsedFeed]  # (document, *, url, content_type) -> ParsedFeed


def _anything(document: bytes, content_type: str | None) -> bool:
    return True


RSS_ATOM = FeedFormat("RSS/Atom/RDF", _anything, parse_feed)

# The registry: the first format whose sniff says yes parses the document.
FORMATS: tuple[FeedFormat, ...] = (
    FeedFormat("JSON Feed", sniff_json_feed, parse_json_feed),
    # feedparser's result without feedparser for plain documents; the others go on to it.
    FeedFormat("RSS 2.0/Atom 1.0, plain", sniff_plain_feed, parse_plain_feed),
    RSS_ATOM,
)


def parse_document(document: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a fetched feed in whichever registered format it is; ``ParseError`` otherwise.

    Called by the ingest pipeline (in a worker process) and by ``subscribe`` in chat.
    """
    for feed_format in FORMATS:
        if feed_format.sniff(document, content_type):
            return feed_format.parse(document, url=url, content_type=content_type)
    raise AssertionError("RSS_ATOM takes every document")  # pragma: no cover
