"""Conversions between table rows and domain objects, and dedupe-key normalisation."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from bot.domain import Feed, Quote, QuoteKind, Span, Story
from bot.store.schema import feeds, stories

# Keys longer than this are stored as a digest: PostgreSQL cannot index very long
# btree values, and a title key can be arbitrarily long.
MAX_KEY_CHARS = 512

STORY_COLUMNS = (
    stories.c.id,
    stories.c.url,
    stories.c.title,
    stories.c.text,
    feeds.c.url.label("feed_url"),
    stories.c.published_at,
    stories.c.guid,
    stories.c.hash,
    stories.c.pruned_at,
)


def story_select() -> sa.Select[Any]:
    """SELECT of `STORY_COLUMNS`: a story with its feed's URL."""
    return sa.select(*STORY_COLUMNS).join(feeds, feeds.c.id == stories.c.feed_id)


def storage_key(key: str) -> str:
    """The form a dedupe key is stored in: itself, or a digest when too long to index."""
    if len(key) <= MAX_KEY_CHARS:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def storage_keys(keys: Iterable[str]) -> dict[str, str]:
    """Map each stored form back to the caller's key (sorted, so lock order is stable)."""
    return {storage_key(k): k for k in sorted(set(keys))}


def feed_from_row(row: sa.Row[Any]) -> Feed:
    return Feed(
        url=row.url,
        id=row.id,
        title=row.title,
        etag=row.etag,
        last_modified=row.last_modified,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        consecutive_failures=row.consecutive_failures,
        paused=bool(row.paused),
    )


def story_from_row(row: sa.Row[Any]) -> Story:
    return Story(
        url=row.url,
        title=row.title,
        text=row.text,
        feed_url=row.feed_url,
        published_at=row.published_at,
        guid=row.guid,
        id=row.id,
        hash=row.hash,
        pruned_at=row.pruned_at,
    )


def quote_to_row(story_id: int, ordinal: int, quote: Quote) -> dict[str, Any]:
    mention = quote.speaker_mention
    return {
        "story_id": story_id,
        "ordinal": ordinal,
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "kind": QuoteKind(quote.kind).value,
        "speaker": quote.speaker,
        "speaker_role": quote.speaker_role,
        "speaker_start": mention.start if mention else None,
        "speaker_end": mention.end if mention else None,
        "cue": quote.cue,
        "anonymous": quote.anonymous,
        "confidence": quote.confidence,
    }


def quote_from_row(row: sa.Row[Any]) -> Quote:
    mention = None
    if row.speaker_start is not None and row.speaker_end is not None:
        mention = Span(row.speaker_start, row.speaker_end)
    return Quote(
        text=row.text,
        start=row.start,
        end=row.end,
        kind=QuoteKind(row.kind),
        speaker=row.speaker,
        speaker_role=row.speaker_role,
        speaker_mention=mention,
        cue=row.cue,
        anonymous=bool(row.anonymous),
        confidence=float(row.confidence),
    )


T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    """Slices of ``items``: big IN lists hit SQLite's variable limit and bloat plans."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
