"""Briefing composition is pure: filters, near-duplicate merging, ranking, cap, stable key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.briefing import Candidate, compose_briefing, merge_near_duplicates, passes_filters
from bot.domain import Bullet, Quote, QuoteKind, Story
from bot.ports import Summary

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)


def story(slug: str, text: str, *, hours_ago: float = 1, title: str | None = None) -> Story:
    return Story(
        url=f"https://news.example/{slug}",
        title=title or slug.replace("-", " ").title(),
        text=text,
        feed_url="https://news.example/feed.xml",
        published_at=NOW - timedelta(hours=hours_ago),
        id=abs(hash(slug)) % 10_000,
    )


def candidate(s: Story, quotes: tuple[str, ...] = (), source: str = "Example News") -> Candidate:
    qs = tuple(
        Quote(text=q, start=0, end=len(q), kind=QuoteKind.DIRECT, speaker="Ana Ruiz")
        for q in quotes
    )
    bullets = (Bullet(speaker="Ana Ruiz", speaker_role=None, quotes=qs),) if qs else ()
    return Candidate(
        story=s, summary=Summary(gist=s.text[:40], quotes=qs, bullets=bullets), source=source
    )


LONG_A = " ".join(f"word{i} of the first story about the harbor depot vote" for i in range(30))
LONG_B = " ".join(f"token{i} in a story about a chip delay at a company" for i in range(30))


def test_filters_are_case_insensitive_and_exclude_wins() -> None:
    s = story("depot", "The Harbor council voted on the depot.")
    assert passes_filters(s, ["harbor"], [])
    assert not passes_filters(s, ["chips"], [])
    assert not passes_filters(s, ["harbor"], ["DEPOT"])
    assert passes_filters(s, [], [])


def test_near_duplicates_from_two_feeds_merge_and_list_both_sources() -> None:
    a = candidate(story("a", LONG_A), source="Ledger")
    b = candidate(story("b", LONG_A + " with one more sentence"), source="Wire")
    c = candidate(story("c", LONG_B), source="Ledger")
    groups = merge_near_duplicates([a, b, c])
    assert [[x.source for x in g] for g in groups] == [["Ledger", "Wire"], ["Ledger"]]
    briefing = compose_briefing("console:t", [a, b, c], now=NOW)
    assert [item.sources for item in briefing.items].count(("Ledger", "Wire")) == 1


def test_stories_sharing_direct_quotes_are_the_same_news() -> None:
    quotes = (
        "We decided to fix it rather than ship it",
        "At some point a pattern becomes a strategy",
    )
    a = candidate(story("a", LONG_A), quotes, source="Tech Wire")
    b = candidate(story("b", LONG_B), (quotes[0][3:], quotes[1]), source="Markets Today")
    assert len(merge_near_duplicates([a, b])) == 1


def test_newer_and_more_quoted_stories_rank_first_and_the_cap_holds() -> None:
    old = candidate(story("old", LONG_A, hours_ago=30))
    new = candidate(story("new", LONG_B, hours_ago=1), ("A quote long enough to count here",))
    briefing = compose_briefing("console:t", [old, new], now=NOW, max_stories=1)
    assert [item.url for item in briefing.items] == ["https://news.example/new"]


def test_the_idempotency_key_is_stable_for_the_same_channel_and_stories() -> None:
    cands = [candidate(story("a", LONG_A)), candidate(story("b", LONG_B))]
    first = compose_briefing("slack:C1", cands, now=NOW)
    again = compose_briefing("slack:C1", cands, now=NOW + timedelta(minutes=5))
    other = compose_briefing("slack:C2", cands, now=NOW)
    assert first.idempotency_key == again.idempotency_key != other.idempotency_key
