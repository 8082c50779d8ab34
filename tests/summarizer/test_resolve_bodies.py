"""Speakers resolved to the fullest name the story gives: acronyms spelled out, and a
company spoken of as "they", "it" or "the company" named."""

from __future__ import annotations

from summarizer import extract_quotes


def _speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text) if q.kind.value != "indirect"]


def test_an_acronym_takes_the_words_it_stands_for() -> None:
    text = (
        "The Federal Aviation Office grounded the fleet on Monday.\n\n"
        "The FAO said that the engines “must be inspected before any further flight.”"
    )
    assert _speakers(text) == ["Federal Aviation Office"]


def test_the_company_is_the_body_named_just_before() -> None:
    text = (
        "Harlow Clark Productions denied on Friday that a deal had been reached.\n\n"
        "“No agreement has been signed and talks will go on next week,” the production "
        "company said in a statement."
    )
    assert _speakers(text) == ["Harlow Clark Productions"]


def test_they_may_stand_for_a_body_named_just_before() -> None:
    text = (
        "Harlow Clark Productions has denied the claims twice.\n\n"
        "“We never blocked any performance at the show,” they said on their website."
    )
    assert _speakers(text) == ["Harlow Clark Productions"]


def test_a_name_with_a_body_word_is_not_a_person_for_he() -> None:
    text = (
        "Mira Holt chairs the Tamsin Institute board.\n\n"
        "The Tamsin Institute released its report on Tuesday.\n\n"
        "“The numbers are worse than we expected,” she said."
    )
    assert _speakers(text) == ["Mira Holt"]


def test_a_statement_speaks_for_its_author() -> None:
    # the annotation guide: a document's words are its author's, when the story says who
    text = (
        "On Monday, Orchard Valley Records issued a statement about the dispute.\n\n"
        "Fans were divided over the weekend.\n\n"
        "“We have worked hard to reach an agreement with the band,” the statement read. "
        "“The truth is, nothing was ever signed.”"
    )
    assert _speakers(text) == ["Orchard Valley Records"] * 2
    text = (
        "In a letter, Mayor Ada Brook said the bridge would close.\n\n"
        "“The repairs cannot wait another winter,” the letter said."
    )
    assert _speakers(text) == ["Ada Brook"]


def test_a_statement_without_an_author_speaks_for_itself() -> None:
    text = "“The repairs cannot wait another winter,” the statement said."
    assert _speakers(text) == ["the statement"]
