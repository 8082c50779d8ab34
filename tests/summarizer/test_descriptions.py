"""Definite descriptions linked to the entity the story introduced otherwise
(descriptions.py): epithets for the salient person, organisations by their kind, and
the kind of the head noun never crossed."""

from __future__ import annotations

from summarizer import extract_quotes
from summarizer.quotes import descriptions
from summarizer.quotes.language import ENGLISH


def _direct(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text) if q.kind.value == "direct"]


def test_an_epithet_stands_for_the_salient_person() -> None:
    text = (
        "Jane Roe lost the final on Monday.\n\n"
        "“We did our best,” Roe said. “We will be back.”\n\n"
        "“It hurts,” said the singer. “But that is sport.”"
    )
    assert _direct(text) == ["Jane Roe"] * 4


def test_a_noun_that_introduced_someone_unnamed_is_no_epithet() -> None:
    text = (
        "Tom Hale went to see his doctor in May.\n\n"
        "“I was tired all the time,” Hale said.\n\n"
        "“Rest more,” the doctor said."
    )
    assert _direct(text) == ["Tom Hale", "the doctor"]


def test_an_unnamed_source_noun_is_no_epithet() -> None:
    text = "Jane Roe lost the final on Monday.\n\n“It was rigged,” said the official."
    assert _direct(text) == ["the official"]


def test_a_body_noun_never_stands_for_a_person() -> None:
    text = (
        "Jane Roe, the company's founder, said sales rose.\n\n“We will fight on,” the company said."
    )
    assert _direct(text) == ["the company"]


def test_a_body_noun_stands_for_the_organisation_named_just_before() -> None:
    text = (
        "Rain fell all week.\n\n"
        "The probe is one of the main tools in ORBA’s search for ice on the moon.\n\n"
        "“We have never seen so much of it in one place,” the agency said."
    )
    assert _direct(text) == ["ORBA"]


def test_head_kinds() -> None:
    assert descriptions.head_kind("company", ENGLISH) == "body"
    assert descriptions.head_kind("official", ENGLISH) == "source"
    assert descriptions.head_kind("actor", ENGLISH) == "person"
    assert descriptions.head_kind("physicians", ENGLISH) is None


def test_new_noun_sees_the_plural_and_whole_words_only() -> None:
    text = "The factor rose. Doctors met."
    assert descriptions.new_noun(text, "actor", len(text))
    assert not descriptions.new_noun(text, "doctor", len(text))


def test_paragraph_before_skips_blank_lines() -> None:
    text = "aa\n\nbb\n\ncc dd"
    assert descriptions.paragraph_before(text, text.index("dd")) == text.index("bb")
    assert descriptions.paragraph_before(text, text.index("bb")) == 0


def test_sentence_start() -> None:
    text = "One. “Two.” Three and four"
    assert descriptions.sentence_start(text, text.index("four")) == text.index("Three")
