"""Briefing composition: pure functions from summarised stories to a `Briefing`.

No I/O here (the reader "decider" pattern): the pipeline loads stories and
summaries, this module chooses, merges near-duplicates, ranks and caps, and
the adapters render the result.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Briefing, BriefingItem, QuoteKind, Story
from bot.ports import Summary

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4
# Two stories are the same news when this share of the smaller one's word
# shingles appears in the other, or when they carry the same direct quotes.
NEAR_DUPLICATE_CONTAINMENT = 0.35
SHARED_QUOTES_FOR_DUPLICATE = 2


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored story with its summary and the feed title it came from."""

    story: Story
    summary: Summary
    source: str


def compose_briefing(
    channel: str,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
    title: str = "Your news briefing",
    max_stories: int = 8,
    max_bullets: int = 4,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Briefing:
    """Choose, merge, rank and cap ``candidates`` into the channel's briefing."""
    chosen = [c for c in candidates if passes_filters(c.story, include, exclude)]
    groups = merge_near_duplicates(chosen)
    groups.sort(key=lambda group: rank(group, now), reverse=True)
    items = tuple(_item(group, max_bullets) for group in groups[:max_stories])
    key = briefing_key(channel, items)
    return Briefing(
        channel=channel, title=title, items=items, generated_at=now, idempotency_key=key
    )


def compose_breaking(
    channel: str,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
    max_bullets: int = 4,
    title: str = "Breaking",
) -> list[Briefing]:
    """One single-item briefing per new story, near-duplicates merged, oldest news first.

    The caller has applied the subscriptions' filters; the idempotency key is
    the caller's too (delivery keys breaking posts on the lead story id).
    """
    groups = merge_near_duplicates(candidates)
    groups.sort(key=lambda group: min(c.story.id or 0 for c in group))
    return [
        Briefing(
            channel=channel,
            title=title,
            items=(_item(group, max_bullets),),
            generated_at=now,
            idempotency_key=briefing_key(channel, [_item(group, max_bullets)]),
        )
        for group in groups
    ]


def passes_filters(story: Story, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Keyword filters on title and text, case-insensitive; exclude wins."""
    haystack = f"{story.title}\n{story.text}".casefold()
    if any(word.casefold() in haystack for word in exclude):
        return False
    return not include or any(word.casefold() in haystack for word in include)


def merge_near_duplicates(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Group stories that report the same news; each group keeps its input order."""
    groups: list[list[Candidate]] = []
    signatures: list[tuple[frozenset[int], frozenset[str]]] = []
    for candidate in candidates:
        signature = (_shingles(candidate.story.text), _direct_quotes(candidate.summary))
        for index, existing in enumerate(signatures):
            if _same_news(signature, existing):
                groups[index].append(candidate)
                break
        else:
            groups.append([candidate])
            signatures.append(signature)
    return groups


def rank(group: Sequence[Candidate], now: datetime) -> float:
    """Newer, more widely reported, more quoted stories first."""
    lead = group[0].story
    published = max((c.story.published_at for c in group if c.story.published_at), default=None)
    age_hours = (now - published) / timedelta(hours=1) if published else 24.0
    recency = 1.0 / (1.0 + max(age_hours, 0.0) / 12.0)
    sources = len({c.source for c in group})
    quotes = max(len(c.summary.quotes) for c in group)
    density = min(quotes / max(len(lead.text) / 1000.0, 1.0), 5.0) / 5.0
    return 2.0 * recency + 0.5 * (sources - 1) + density


def briefing_key(channel: str, items: Sequence[BriefingItem]) -> str:
    """The idempotency key: the same channel and stories always give the same key."""
    digest = hashlib.sha256()
    digest.update(channel.encode())
    for item in items:
        digest.update(b"\0" + item.url.encode())
    return f"briefing:{channel}:{digest.hexdigest()[:20]}"


def _item(group: Sequence[Candidate], max_bullets: int) -> BriefingItem:
    lead = max(group, key=lambda c: len(c.summary.quotes))
    sources = tuple(dict.fromkeys(c.source for c in group))
    story_ids = tuple(c.story.id for c in group if c.story.id is not None)
    return BriefingItem(
        title=lead.story.title,
        url=lead.story.url,
        sources=sources,
        gist=lead.summary.gist,
        bullets=lead.summary.bullets[:max_bullets],
        published_at=lead.story.published_at,
        story_ids=story_ids,
    )


def _shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.casefold())
    spans = range(max(len(words) - SHINGLE_SIZE + 1, 0))
    return frozenset(hash(tuple(words[i : i + SHINGLE_SIZE])) for i in spans)


def _direct_quotes(summary: Summary) -> frozenset[str]:
    return frozenset(
        " ".join(_WORD.findall(q.text.casefold()))
        for q in summary.quotes
        if q.kind is not QuoteKind.INDIRECT and len(q.text) >= 20
    )


def _same_news(
    a: tuple[frozenset[int], frozenset[str]], b: tuple[frozenset[int], frozenset[str]]
) -> bool:
    shingles_a, quotes_a = a
    shingles_b, quotes_b = b
    if _shared_quotes(quotes_a, quotes_b) >= SHARED_QUOTES_FOR_DUPLICATE:
        return True
    smaller = min(len(shingles_a), len(shingles_b))
    return bool(smaller) and len(shingles_a & shingles_b) / smaller >= NEAR_DUPLICATE_CONTAINMENT


def _shared_quotes(a: frozenset[str], b: frozenset[str]) -> int:
    # Outlets trim the same quote differently, so containment counts as shared.
    return sum(1 for x in a if any(x in y or y in x for y in b))
