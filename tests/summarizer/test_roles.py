"""The role reader: a role says what someone is, read from the title before a name or the
apposition after it; stray words next to a name are no role (made-up sentences)."""

from __future__ import annotations

import pytest

from summarizer import extract_quotes
from summarizer.bullets import make_bullets
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.roles import is_role, role_in_text, title_before


@pytest.mark.parametrize("stray", ["the sky went", "however", "a skeptical", "(the)", "Mr.", ""])
def test_stray_words_are_no_role(stray: str) -> None:
    assert not is_role(ENGLISH, stray)


@pytest.mark.parametrize(
    "role",
    [
        "orchard owner",
        "Minister in the Ministry of Finance",
        "a Sacramento family medicine physician",
        "Wells Fargo analyst",
        "deportee",
        "CEO",
        "the mayor of Port Elsby",
    ],
)
def test_titles_and_appositions_are_roles(role: str) -> None:
    assert is_role(ENGLISH, role)


def test_the_title_in_front_of_a_name() -> None:
    text = "The harvest was late. Orchard owner Lucia Ferreira said half the blossom died."
    assert title_before(ENGLISH, text, text.index("Lucia")) == "Orchard owner"
    text = "Residents threatened to kill Rep. Tom Hale, police said."
    assert title_before(ENGLISH, text, text.index("Tom")) is None  # a verb's object, no title
    text = "The award went to Kathleen Tom Hale."
    assert title_before(ENGLISH, text, text.index("Tom")) is None  # "Kathleen" is part of a name


def _bullets(text: str) -> list[tuple[str, str | None]]:
    return [(b.speaker, b.speaker_role) for b in make_bullets(extract_quotes(text), text=text)]


def test_a_bullet_takes_the_role_the_story_gives_before_the_name() -> None:
    text = (
        "The frost came early this spring. “We have never seen it this bad,” orchard owner "
        "Lucia Ferreira said on Tuesday."
    )
    assert ("Lucia Ferreira", "orchard owner") in _bullets(text)
    assert role_in_text(ENGLISH, "Lucia Ferreira", text) == "orchard owner"


def test_a_title_with_an_office_in_it_is_split_from_the_name() -> None:
    text = (
        "Minister in the Ministry of Finance Brian Manning said the budget would balance "
        "next year. “There is no other way,” Manning said."
    )
    quotes = extract_quotes(text)
    assert {q.speaker for q in quotes} == {"Brian Manning"}
    assert quotes[0].speaker_role == "Minister in the Ministry of Finance"


def test_a_bullet_never_shows_stray_words_as_a_role() -> None:
    text = (
        "A skeptical Tom Hale said the plan would fail. “It cannot work,” Hale said at the "
        "harbour meeting on Tuesday."
    )
    assert all(role is None for _, role in _bullets(text))
