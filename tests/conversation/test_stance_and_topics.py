"""The stance lexicon and the topic helpers: pure functions."""

from __future__ import annotations

import pytest

from bot.conversation.stance import stance_of
from bot.conversation.topics import covers, names_someone_else, proper_names, sentence_names
from bot.domain import Quote, QuoteKind


@pytest.mark.parametrize(
    ("stance", "text", "cue", "weight"),
    [
        ("criticise", "the plan is a disaster", "said", 1),
        ("criticise", "the plan", "slammed", 2),
        ("criticise", "a betrayal of the workers", "called", 1),
        ("praise", "a historic step for the city", "hailed", 3),
        ("warn", "the river could flood by Friday", "said", 1),
        ("deny", "the report", "denied", 2),
        ("deny", "there is no meeting planned", "told reporters", 1),
    ],
)
def test_stance_evidence(stance: str, text: str, cue: str, weight: int) -> None:
    evidence = stance_of(stance, text, cue)  # type: ignore[arg-type]
    assert evidence is not None and evidence.weight == weight


@pytest.mark.parametrize(
    ("stance", "text", "cue"),
    [
        ("criticise", "the council will meet on Tuesday", "said"),
        ("praise", "revenue would still grow this year", "said"),
        ("deny", "the agenda is not ready", "said"),  # a negation is not a denial
    ],
)
def test_neutral_quotes_take_no_stance(stance: str, text: str, cue: str) -> None:
    assert stance_of(stance, text, cue) is None  # type: ignore[arg-type]


def test_covers_needs_every_word_but_one_of_three() -> None:
    assert covers("Lumora delays its server chip", ["lumora", "chips"])
    assert not covers("Lumora delays its server chip", ["lumora", "penguins"])
    assert covers("security guarantees for Ukraine", ["security", "guarantees", "russia"])
    assert not covers("a nobody named in passing", ["nobodyx"])


def test_names_someone_else() -> None:
    names = proper_names(["he met Vladimir Putin", "Check on your neighbors"])
    assert "putin" in names and "check" not in names
    assert names_someone_else("Putin does not understand force", names)
    assert names_someone_else("they asked Putin", set())
    assert not names_someone_else("Check on your neighbors", names)


def test_words_set_against_a_body_are_told_from_words_beside_it() -> None:
    text = (
        "The Kremlin dismissed Trump's claim that Moscow is open to guarantees. "
        "Lavrov dismissed the idea of guarantees without Russia."
    )

    def quote_of(words: str) -> Quote:
        start = text.index(words)
        return Quote(words, start, start + len(words), QuoteKind.INDIRECT, speaker="x")

    assert sentence_names(text, quote_of("Moscow is open to guarantees"), ["kremlin"])
    assert not sentence_names(text, quote_of("the idea of guarantees"), ["kremlin"])
    assert not sentence_names(text, Quote("gone", 999, 1003, QuoteKind.INDIRECT), ["kremlin"])
