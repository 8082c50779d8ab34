"""Descriptions resolved to whom the story names with them: a name written after the
description later, a named body just before a description that once stood for itself,
and names that belong to bodies, not persons."""

from __future__ import annotations

from summarizer import extract_quotes
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.resolve import Resolver, _is_person


def _direct(text: str) -> list[tuple[str | None, str | None]]:
    return [(q.speaker, q.speaker_role) for q in extract_quotes(text) if q.kind.value != "indirect"]


def test_a_description_named_later_speaks_for_the_named_person() -> None:
    text = (
        "Protests went on through the night.\n\n"
        "Norland’s ambassador to Austria accused the press of meddling and warned that "
        "his government “will not sit on its hands”.\n\n"
        "Norland’s ambassador to Austria Pavel Orlik has since said the talks “will go on”."
    )
    assert _direct(text) == [("Pavel Orlik", "Norland’s ambassador to Austria")] * 2


def test_a_description_given_later_as_a_named_persons_role_is_theirs() -> None:
    text = (
        "Norland’s ambassador to Austria warned that his government “will not sit on its "
        "hands”.\n\n"
        "Pavel Orlik, Norland’s ambassador to Austria, said the talks “will go on”."
    )
    assert [s for s, _ in _direct(text)] == ["Pavel Orlik"] * 2


def test_a_description_named_nowhere_stays_itself() -> None:
    text = (
        "Norland’s ambassador to Austria accused the press of meddling and warned that "
        "his government “will not sit on its hands”.\n\n"
        "Pavel Orlik has since said the talks “will go on”."
    )
    assert [s for s, _ in _direct(text)] == ["Norland’s ambassador to Austria", "Pavel Orlik"]


def test_a_body_named_just_before_outranks_the_description_speaking_for_itself() -> None:
    text = (
        "“We never run a vaccine programme,” the agency said in March.\n\n"
        "The doctors wrote again in May.\n\n"
        "In August, FRB announced that it would not vaccinate. At the time, the agency "
        "said in a statement that it chose not to because of the “short-term” stays."
    )
    assert [s for s, _ in _direct(text)] == ["the agency", "FRB"]


def test_acronyms_and_names_joined_by_small_words_are_bodies() -> None:
    assert not _is_person(ENGLISH, "CBP")
    assert not _is_person(ENGLISH, "Customs and Border Protection")
    assert not _is_person(ENGLISH, "Doctors for Camp Closure")
    assert _is_person(ENGLISH, "Ashraf Ghani")
    assert _is_person(ENGLISH, "Bill de Blasio")


def test_a_surname_is_not_taken_from_a_place_before_a_longer_name() -> None:
    text = (
        "Norland’s ambassador to Britain Wu Xiaobo said that the talks “will go on”.\n\n"
        "Wu said the army “could be sent”."
    )
    assert Resolver(text, ENGLISH).full_name("Wu") != "Britain Wu"
    assert Resolver("Mayor Ada Brook spoke. Brook said", ENGLISH).full_name("Brook") == "Ada Brook"


def test_a_study_speaks_for_the_one_who_made_it() -> None:
    text = (
        "According to a 2018 survey by Penny Alder of the University of Nowhere, the "
        "firm’s practice has been to “consolidate copy editing and page design”."
    )
    assert [s for s, _ in _direct(text)] == ["Penny Alder"]
    text = "According to a report, papers will “consolidate copy editing and page design”."
    assert [s for s, _ in _direct(text)] == ["a report"]
