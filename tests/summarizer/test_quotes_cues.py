"""Reported speech around cues: the clause that carries a partial quotation, British
spellings of cue verbs, and the learned cue model (made-up sentences, no article text)."""

from __future__ import annotations

import pytest

from bot.domain import QuoteKind
from summarizer import extract_quotes
from summarizer.quotes import cue_score
from summarizer.quotes.cues import _is_noun_use
from summarizer.quotes.extract import Extractor
from summarizer.quotes.language import ENGLISH


def _indirect(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in extract_quotes(text) if q.kind is QuoteKind.INDIRECT]


def test_the_clause_around_a_partial_quotation_is_reported_with_it() -> None:
    text = "Jane Roe said the council was “only trying to keep the depot open.”"
    quotes = extract_quotes(text)
    direct = [q for q in quotes if q.kind is not QuoteKind.INDIRECT]
    assert [q.text for q in direct] == ["only trying to keep the depot open"]
    # the fragment alone drops "the council was": the clause keeps its subject and verb
    clause = "the council was “only trying to keep the depot open.”"
    assert _indirect(text) == [(clause, "Jane Roe")]


def test_a_quotation_that_is_the_whole_report_gets_no_clause() -> None:
    text = "Jane Roe said: “The council will keep the depot open until spring.”"
    assert _indirect(text) == []


def test_british_spellings_of_cue_verbs_are_cues() -> None:
    text = "Jane Roe criticised the council for closing the depot without a vote."
    assert _indirect(text) == [("the council for closing the depot without a vote", "Jane Roe")]


def _cue_scores(text: str) -> list[float]:
    ex = Extractor(text)
    ex.cue_collect = []
    ex.run()
    return [cue_score.score(feats) for _, _, feats, _ in ex.cue_collect]


def test_the_cue_model_is_shipped_and_tells_a_plea_from_a_report() -> None:
    assert cue_score.WEIGHTS, "cue_score.json is shipped with the package"
    (plea,) = _cue_scores("A Buffalo man pleaded guilty on Monday to threatening the mayor.")
    (report,) = _cue_scores("A Buffalo man said on Monday that the mayor had threatened him.")
    assert plea < cue_score.THRESHOLD <= report


def test_without_a_model_every_cue_clause_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "A Buffalo man pleaded guilty on Monday to threatening the mayor."
    monkeypatch.setattr(cue_score, "WEIGHTS", {})
    assert [speaker for _, speaker in _indirect(text)] == ["A Buffalo man"]
    monkeypatch.setattr(cue_score, "WEIGHTS", {"bias": -5.0})
    assert _indirect(text) == []


def test_a_noun_of_saying_after_an_owner_and_adjectives_is_no_verb() -> None:
    # "His repeated claims of ...": "claims" is a noun, "His repeated" no speaker
    text = "His repeated claims of having no memory"
    assert _is_noun_use(text, text.index("claims"), ENGLISH.speech_nouns)
    text = "Her latest public statement"
    assert _is_noun_use(text, text.index("statement"), ENGLISH.speech_nouns)
    # a noun between owner and cue word is the subject: "Her lawyer claims"
    text = "Her lawyer claims that the deal was off"
    assert not _is_noun_use(text, text.index("claims"), ENGLISH.speech_nouns)
    text = "His elected representatives claimed"
    assert not _is_noun_use(text, text.index("claimed"), ENGLISH.speech_nouns)


def test_a_noun_of_saying_with_its_owner_reports_its_that_clause() -> None:
    text = (
        "The council met on Tuesday. Allies saw hope in Jane Roe’s statement that the "
        "depot would stay open through the winter."
    )
    assert _indirect(text) == [("the depot would stay open through the winter", "Jane Roe")]


def test_a_possessive_pronoun_owning_a_noun_of_saying_speaks() -> None:
    text = (
        "Jane Roe spoke to the council on Tuesday. The vote came a day after her warning "
        "that the depot would close before the spring."
    )
    assert ("the depot would close before the spring", "Jane Roe") in _indirect(text)


def test_a_noun_of_saying_without_a_that_clause_reports_nothing() -> None:
    text = "Members dismissed Jane Roe’s statement on the depot and went home."
    assert [speaker for _, speaker in _indirect(text)] == ["Members"]


def test_a_cue_run_into_the_next_word_is_still_a_cue() -> None:
    # a space lost where an inline tag ended: "announced<a>the ...</a>"
    text = "On Monday, Mayor Jane Roe announcedthe depot would stay open through the winter."
    quotes = _indirect(text)
    assert [speaker for _, speaker in quotes] == ["Jane Roe"]
    assert quotes[0][0].endswith("depot would stay open through the winter")


def test_a_word_ending_in_a_determiner_is_no_glued_cue() -> None:
    text = "The town’s weather changed, and the brother went home."
    assert _indirect(text) == []


def test_a_two_apostrophe_quotation_goes_on_after_its_tag() -> None:
    # ''…'' marks are no quotation marks of their own: the quotation is reported speech,
    # and its second part after the tag belongs to the same report
    text = "''We will win this county,'' said Jane Roe, an aide. ''The map favors us now.''"
    assert _indirect(text) == [(text, "Jane Roe")]
    text = "''Folks know we have time,'' Mr. Coleman said, ''but not a lot of time to fix it.''"
    assert _indirect(text) == [(text, "Coleman")]


def test_a_two_apostrophe_part_with_a_tag_of_its_own_is_its_own_report() -> None:
    text = "''We will win this county,'' said Jane Roe. ''The map favors us,'' she added."
    assert [t for t, _ in _indirect(text)] == ["''We will win this county", "''The map favors us"]
    text = "''We will win this county,'' said Jane Roe.\n\n''The map favors us now.''"
    assert [t for t, _ in _indirect(text)] == ["''We will win this county"]


def test_the_retrained_cue_model_reports_no_assured_win() -> None:
    # "is assured [of winning at least 12]": a count, not a report (the model retrained
    # on the rules as they are, train_cues reproducing cue_score.json)
    assert (
        _indirect("With 30 delegates at stake, Jane Roe is assured of winning at least 12.") == []
    )
    assert _indirect("Jane Roe said the depot would close in May.") == [
        ("the depot would close in May", "Jane Roe")
    ]
