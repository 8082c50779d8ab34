"""Domain types: frozen, typed, free of I/O.

Everything downstream of the extractor relies on one invariant of `Quote`:
``story_text[quote.start:quote.end] == quote.text``. A quote that cannot be
sliced back out of its story verbatim is a bug, and `Quote.check` says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class QuoteKind(StrEnum):
    """How the words reach the reader."""

    DIRECT = "direct"  # the words inside quotation marks
    MIXED = "mixed"  # reported speech carrying quoted fragments
    INDIRECT = "indirect"  # "X said that ...", "according to X, ..."


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into a story's text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Quote:
    """One attribution: who said what, with offsets into the story text.

    For direct quotes ``start``/``end`` cover the words inside the marks,
    marks excluded; for indirect ones, the reported content.
    ``speaker`` is the resolved canonical name ("Sergey Lavrov"), or what the
    text calls an anonymous source ("a White House official"); ``speaker_mention``
    is the words the attribution grammatically hangs on ("he", "the official").
    """

    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: str | None = None
    speaker_role: str | None = None
    speaker_mention: Span | None = None
    cue: str | None = None
    anonymous: bool = False
    confidence: float = 1.0

    def check(self, story_text: str) -> None:
        """Raise ValueError unless this quote slices verbatim out of ``story_text``."""
        if story_text[self.start : self.end] != self.text:
            raise ValueError(
                f"quote [{self.start}:{self.end}] does not slice to its text: {self.text[:40]!r}"
            )

    @property
    def speaker_label(self) -> str:
        """The speaker with role, for display: "Sergey Lavrov (Russian foreign minister)"."""
        name = self.speaker or "unattributed"
        return f"{name} ({self.speaker_role})" if self.speaker_role else name


def content_hash(text: str) -> str:
    """A stable fingerprint of a story's text; LLM caches and dedup key on it."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscribed source. ``url`` is http(s) or, from operator config only, a local path."""

    url: str
    id: int | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    paused: bool = False


@dataclass(frozen=True, slots=True)
class Story:
    """One article, as ingest stored it."""

    url: str
    title: str
    text: str
    feed_url: str
    published_at: datetime | None = None
    guid: str | None = None
    id: int | None = None
    hash: str = ""
    # Set when retention emptied the story (a husk): its text and quotes are gone,
    # so a reply about it must say so rather than look like a story nobody is quoted in.
    pruned_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.hash:
            object.__setattr__(self, "hash", content_hash(self.text))


@dataclass(frozen=True, slots=True)
class Bullet:
    """One who-said-what line: a speaker and their strongest quotes in one story."""

    speaker: str
    speaker_role: str | None
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class BriefingItem:
    """One story in a briefing (near-duplicates merged: every source listed)."""

    title: str
    url: str
    sources: tuple[str, ...]
    gist: str
    bullets: tuple[Bullet, ...] = ()
    published_at: datetime | None = None
    story_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Briefing:
    """What a channel receives; format-neutral, every adapter renders it."""

    channel: str
    title: str
    items: tuple[BriefingItem, ...]
    generated_at: datetime
    idempotency_key: str = ""
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Citation:
    """One stored quote, cited verbatim with its speaker and story (chat replies, answers)."""

    speaker: str
    speaker_role: str | None
    text: str
    kind: QuoteKind
    story_title: str
    story_url: str
    published_at: datetime | None = None
    story_id: int | None = None
