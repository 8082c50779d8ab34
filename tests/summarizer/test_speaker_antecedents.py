"""Whom a speaker's pronoun stands for, when the sentence names that person outside the
usual subject position."""

from __future__ import annotations

from summarizer import extract_quotes


def _speaker_of(text: str, quoted: str) -> str | None:
    return next(q.speaker for q in extract_quotes(text) if q.text == quoted)


def test_time_clause_subject_is_the_next_pronouns_antecedent() -> None:
    text = (
        "Senator Cory Booker spoke first. “We will win,” said Booker.\n\n"
        "When Patrick walked into the back of the room, the women turned around as he "
        "apologized for his tardiness.\n\n"
        "“Don’t mind me!” he told them."
    )
    assert _speaker_of(text, "Don’t mind me!") == "Patrick"


def test_time_clause_without_a_name_changes_nothing() -> None:
    text = (
        "Senator Cory Booker spoke first. “We will win,” said Booker.\n\n"
        "When the meeting began, the women turned around.\n\n"
        "“Don’t mind me!” he told them."
    )
    assert _speaker_of(text, "Don’t mind me!") == "Cory Booker"
