"""The one exception tree of newsbrief.

Third-party exceptions (httpx, feedparser, SQLAlchemy, slack_sdk, discord,
openai) are translated at the edge with ``raise ... from``, so callers only
ever catch these::

    NewsbriefError
    ├── ConfigError            a wrong option or value; names the option
    ├── StoreError             the database failed or is out of date
    │   └── NotFoundError      no such feed, story or channel
    ├── IngestError            a feed or article could not be turned into stories
    │   ├── FetchError         network: timeout, refused, HTTP status, redirect loop
    │   │   ├── BlockedURLError    private/loopback/metadata address, bad scheme
    │   │   └── ResponseTooLargeError  body (or its decompression) over the cap
    │   └── ParseError         not a feed: not XML, no entries we can use
    ├── SummarizerError        the summarizer failed (the offline extractor never should)
    └── DeliveryError          a chat platform refused or failed a post
"""

from __future__ import annotations


class NewsbriefError(Exception):
    """Base of every error newsbrief raises on purpose."""


class ConfigError(NewsbriefError):
    """Configuration is wrong; the message names the option and what is expected."""


class StoreError(NewsbriefError):
    """The store failed, or its schema is not at the expected migration."""


class NotFoundError(StoreError):
    """The feed, story or channel asked for does not exist."""


class IngestError(NewsbriefError):
    """A feed or article could not be turned into stories."""


class FetchError(IngestError):
    """Fetching a URL failed: network error, timeout, bad status, redirect loop."""


class BlockedURLError(FetchError):
    """The URL is not allowed: non-http(s) scheme or a private/loopback/metadata address."""


class ResponseTooLargeError(FetchError):
    """The response body, or its decompressed form, exceeds the size cap."""


class ParseError(IngestError):
    """The document is not a feed we can read."""


class SummarizerError(NewsbriefError):
    """The summarizer failed; callers fall back to the offline extractor."""


class DeliveryError(NewsbriefError):
    """A chat platform refused or failed a post."""
