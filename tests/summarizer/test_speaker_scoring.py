"""Speakers judged by resolved name where the gold asks for it, and resolution peeked at
without changing the resolver."""

from __future__ import annotations

from summarizer.quotes.gold import speaker_ok
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.names import Mention
from summarizer.quotes.resolve import Resolver

GOLD = {"source": [[40, 42]], "source_text": "he", "speaker": "Ivo Brandt"}


def test_a_pronoun_on_the_source_is_right_unless_the_gold_asks_for_the_resolved_name() -> None:
    wrong_person = {"speaker": "Rita Olsen", "speaker_start": 40, "speaker_end": 42}
    assert speaker_ok(wrong_person, GOLD)
    assert not speaker_ok(wrong_person, {**GOLD, "resolve": True})
    right_person = {"speaker": "Brandt", "speaker_start": 0, "speaker_end": 6}
    assert speaker_ok(right_person, {**GOLD, "resolve": True})


def test_an_unnamed_gold_speaker_needs_every_word_of_its_description() -> None:
    gold = {"source": [[0, 12]], "source_text": "the official", "speaker": "senior official"}
    assert speaker_ok({"speaker": "a senior official"}, {**gold, "resolve": True})
    assert not speaker_ok({"speaker": "the official"}, {**gold, "resolve": True})


def test_peek_names_what_resolve_would_without_touching_the_story() -> None:
    text = "Ivo Brandt spoke first. Then he said no."
    r = Resolver(text, ENGLISH)
    r.resolve(Mention(0, 10, "Ivo Brandt", "Ivo Brandt"), salient=True)
    he = Mention(29, 31, "he", pronoun=True)
    before = (list(r.speakers), list(r.recent), r.last_subject)
    assert r.peek(he) == "Ivo Brandt"
    assert r.peek(Mention(0, 6, "Brandt", "Brandt")) == "Ivo Brandt"
    assert r.peek(Mention(0, 9, "a cyclist")) == "a cyclist"
    assert (list(r.speakers), list(r.recent), r.last_subject) == before
