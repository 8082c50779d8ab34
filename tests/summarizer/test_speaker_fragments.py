"""Fragments and workplaces are no speakers: a common word opening a sentence is nobody
"he" stands for, and the name after "an analyst at" is where the speaker works."""

from __future__ import annotations

from summarizer import extract_quotes
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.mentions import left_mention
from summarizer.quotes.resolve import Resolver


def _left(text: str) -> tuple[str | None, str | None]:
    m = left_mention(ENGLISH, text, 0, len(text))
    assert m is not None
    return m.name, m.role


def _speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text) if q.kind.value != "indirect"]


def test_mined_common_words_are_loaded() -> None:
    assert {"perhaps", "must", "thousands"} <= ENGLISH.common_words
    assert "bill" not in ENGLISH.common_words  # a name as often as a word
    assert "trump" not in ENGLISH.common_words


def test_a_common_word_is_not_a_person() -> None:
    r = Resolver("Must we wait? Perhaps.", ENGLISH)
    assert r._common_word("Must") and r._common_word("Perhaps") and r._common_word("MORE")
    assert not r._common_word("Nadella") and not r._common_word("NATO")


def test_he_skips_a_sentence_opening_common_word() -> None:
    text = (
        "Prince Andrew spoke to the BBC on Saturday.\n\n"
        "Must a royal answer every question? He told the interviewer: “I have no "
        "recollection of ever meeting that lady, none whatsoever.”"
    )
    assert _speakers(text) == ["Prince Andrew"]


def test_a_workplace_after_a_role_is_not_the_name() -> None:
    assert _left("China’s ambassador to Britain ") == (None, None)
    assert _left("a spokesperson for Inherent Resolve ")[0] is None
    name, role = _left(
        "Omar Lamrani, a senior military analyst at Stratfor, the Texas-based intelligence firm, "
    )
    assert name == "Omar Lamrani" and role is not None and role.startswith("a senior")


def test_a_person_then_where_they_work() -> None:
    assert _left("Rosaly Lopes of NASA's Jet Propulsion Laboratory in California ")[0] == (
        "Rosaly Lopes"
    )
    assert _left("planetary scientist Dylan Nelson of the Max Planck Institute ")[0] == (
        "Dylan Nelson"
    )


def test_titles_and_bodies_before_of_keep_their_names() -> None:
    assert _left("Secretary of State John Kerry ") == ("John Kerry", "Secretary of State")
    assert _left("Sen. Bernie Sanders of Vermont ")[0] == "Bernie Sanders"


def test_a_relative_clause_after_the_subject_names_no_speaker() -> None:
    # "which was obtained by Variety": the agent of the relative clause does not speak
    m = left_mention(ENGLISH, "The statement, which was obtained by Variety, ", 0, 45)
    assert m is not None and m.name is None and m.text == "The statement"
    text = (
        "Big Machine Records issued a statement on Monday.\n\n"
        "The statement, which was obtained by Variety, claimed the two had “come to "
        "terms on a licensing agreement.”"
    )
    assert "Variety" not in _speakers(text)


def test_chained_appositions_keep_the_person() -> None:
    # a place inside the first apposition and a second one after "and": the name before
    text = (
        "Dylan Nelson, a postdoctoral fellow at the Max Planck Institute for Astrophysics "
        "in Munich, Germany, and co-author of the study, "
    )
    assert _left(text)[0] == "Dylan Nelson"
    assert _left("Tom Hale, a fisherman, and chair of the harbour board, ")[0] == "Tom Hale"
    # but two people, each with an apposition, are not one
    assert _left("Jane Roe, a teacher, and John Doe, a nurse, ")[0] == "John Doe"


def test_a_name_inside_a_relative_clause_is_its_object() -> None:
    # "The company that runs the AMAs, Dick Clark Productions,": the apposition names it
    text = "The company that runs the AMAs, Dick Clark Productions, "
    assert _left(text) == ("Dick Clark Productions", "The company")
    assert _left("A firm that advises Apple, Roe Partners, ")[0] == "Roe Partners"
    assert _left("Tom Hale, a fisherman who sells to Tesco, ")[0] == "Tom Hale"
