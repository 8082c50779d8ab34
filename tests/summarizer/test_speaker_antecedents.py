"""Who speaks when the sentence names that person outside the usual subject position: a
time clause's subject for a later pronoun, the name right after a quotation for its tag."""

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


def test_tag_after_a_quotation_names_the_speaker_before_a_long_apposition() -> None:
    text = (
        "“Liquid water is somewhat hard to find beyond Earth,” study lead author Lena "
        "Varga, a planetary scientist at the Goddard Space Flight Center in Greenbelt, "
        "Maryland, and American University in Washington, D.C., said in a statement."
    )
    assert [q.speaker for q in extract_quotes(text)] == ["Lena Varga"]
