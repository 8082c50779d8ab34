"""The pure decider: words of a question, ranking hits, ordering newest first."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.intents import read_question
from bot.conversation.questions import (
    candidate_runs,
    content_words,
    coverage,
    newest_first,
    rank_hits,
    segment_people,
    speaker_named_by,
)
from bot.domain import Quote, QuoteKind
from bot.ports import QuoteHit


def test_content_words_keep_years_and_drop_other_numbers() -> None:
    assert content_words("What did Trump's envoy say in 2025 about 3 ships?") == (
        "trump",
        "envoy",
        "2025",
        "ships",
    )


@given(st.text(max_size=200))
def test_any_text_gets_an_intent(text: str) -> None:
    intent = read_question(text)
    words = [
        w for name in ("speaker", "topic", "person", "target") for w in getattr(intent, name, ())
    ]
    assert all(w == w.casefold() for w in words)


def _hit(text: str, story_id: int, ordinal: int, day: int | None, speaker: str = "X") -> QuoteHit:
    quote = Quote(text=text, start=0, end=len(text), kind=QuoteKind.DIRECT, speaker=speaker)
    when = datetime(2026, 11, day, tzinfo=UTC) if day else None
    return QuoteHit(quote, story_id, ordinal, "title", f"https://n.example/{story_id}", when)


def test_coverage_and_ranking_by_stems() -> None:
    assert coverage("Security guarantees will not work", ["security", "guarantee"]) == 2
    assert coverage("They criticized the plan", ["criticised"]) == 1
    hits = [
        _hit("a security strategist spoke", 1, 0, 1),
        _hit("security guarantees for Ukraine", 1, 1, 1),
        _hit("nothing relevant", 1, 2, 1),
    ]
    ranked = rank_hits(hits, ["security", "guarantees"])
    assert [h.ordinal for h in ranked] == [1, 0]
    best_only = rank_hits(hits, ["security", "guarantees"], keep_partial=False)
    assert [h.ordinal for h in best_only] == [1]
    assert rank_hits(hits, ["penguins"]) == []


def test_newest_first_dedupes_and_puts_undated_last() -> None:
    hits = [
        _hit("old", 1, 0, 1),
        _hit("undated", 3, 0, None),
        _hit("new b", 2, 1, 5),
        _hit("new a", 2, 0, 5),
        _hit("old", 1, 0, 1),
    ]
    assert [h.quote.text for h in newest_first(hits)] == ["new a", "new b", "old", "undated"]


def test_speaker_named_by() -> None:
    assert speaker_named_by("Donald Trump", ["trump"])
    assert not speaker_named_by("Ivo Daalder", ["trump"])
    assert not speaker_named_by(None, ["trump"])


def test_people_are_the_longest_known_runs() -> None:
    words = ("zelenskyy", "white", "house", "official", "budget")
    singles = {("zelenskyy",), ("white",), ("house",), ("official",)}
    assert candidate_runs(words, singles, length=2) == [
        ("zelenskyy", "white"),
        ("white", "house"),
        ("house", "official"),
    ]
    pairs = singles | {("white", "house"), ("house", "official")}
    assert candidate_runs(words, pairs, length=3) == [("white", "house", "official")]
    known = singles | {("white", "house"), ("white", "house", "official")}
    assert segment_people(words, known) == (
        [("zelenskyy",), ("white", "house", "official")],
        ["budget"],
    )
    assert segment_people(("penguins",), set()) == ([], ["penguins"])
