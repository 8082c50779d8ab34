"""More mention-scanner and resolver rules: openers that name no one, headline names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.quotes import resolve
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.mentions import left_mention, right_mention
from summarizer.quotes.names import Mention
from summarizer.quotes.resolve import Resolver


def _right(text: str, pos: int = 0) -> Mention | None:
    return right_mention(ENGLISH, text, pos, len(text))


def test_capitalized_participle_with_an_object_is_no_name() -> None:
    assert _right("Marking the end of the primaries, Trump told supporters") is None
    assert _right("Acknowledging that he says a lot, Allen laughed") is None


def test_name_ending_in_ing_still_a_name() -> None:
    m = _right("Fleming said the plan would fail.")
    assert m is not None and m.name == "Fleming"


def test_number_word_opens_no_name() -> None:
    assert _right("Thirteen years earlier, she had voted") is None
    m = _right("Thirty percent of voters said")
    assert m is not None and m.name is None and m.text.startswith("Thirty")


def test_preposition_opener_is_no_name() -> None:
    assert _right("Outside the hall protesters chanted") is None


def test_headline_pairs_yield_to_body_full_name() -> None:
    text = "Understated Perez raises his profile.\n\nLabor Secretary Thomas Perez spoke. Perez said"
    r = Resolver(text, ENGLISH)
    assert r.full_name("Perez") == "Thomas Perez"


def test_headline_full_name_used_when_body_has_none() -> None:
    text = "Donald Trump wins.\n\nTrump said he was happy."
    assert Resolver(text, ENGLISH).full_name("Trump") == "Donald Trump"


def test_lower_case_modifiers_before_a_title_and_name() -> None:
    for text, name, role in [
        ("said election lawyer Joe Birkenstock.", "Joe Birkenstock", "election lawyer"),
        ("said political science professor Brigid Harrison.", "Brigid Harrison", None),
        ("said former tech executive Carly Fiorina.", "Carly Fiorina", None),
    ]:
        m = _right(text, 5)
        assert m is not None and m.name == name and m.start == 5
        assert role is None or m.role == role


def test_verb_before_a_possessive_is_no_modifier() -> None:
    m = _right("rescinded his endorsement of Trump.")
    assert m is None or m.start > 0 or m.name is None


def test_pronoun_or_common_word_opening_a_sentence_is_no_antecedent() -> None:
    text = "Joel Pollak spoke. We’ve seen nothing, he said. Things got heated over things."
    r = Resolver(text, ENGLISH)
    r.resolve(_right(text) or Mention(0, 0, ""), salient=True)
    for opener in ("We’ve", "Things"):
        start = text.index(opener)
        m = Mention(start, start + len(opener), opener, opener)
        r.resolve(m, salient=True)
        he = Mention(0, 0, "he", pronoun=True)
        assert r.resolve(he).name == "Joel Pollak"


def test_a_verb_or_by_phrase_parts_two_noun_phrases() -> None:
    text = "Congressman Trey Gowdy’s office slammed a lawsuit filed by a fired staffer alleging"
    m = left_mention(ENGLISH, text, 0, text.index("alleging"))
    assert m is not None and m.text == "a fired staffer"


def test_an_authored_thing_keeps_its_author() -> None:
    text = "An email from Neera Tanden reveals"
    m = left_mention(ENGLISH, text, 0, text.index("reveals"))
    assert m is not None and m.text == "An email from Neera Tanden"


def test_prepositional_tail_stops_at_the_clause_verb() -> None:
    text = "the U.S. Court of Appeals for the 3rd Circuit reversed a previous decision"
    m = _right(text)
    assert m is not None and m.text == "the U.S. Court of Appeals for the 3rd Circuit"


def test_a_time_adjunct_is_no_part_of_the_subject() -> None:
    text = "The United Nations Security Council on Friday made a strong condemnation"
    m = _right(text)
    assert m is not None and m.text == "The United Nations Security Council"


def test_it_stands_for_a_named_body_nearby() -> None:
    text = "The United Nations Security Council on Friday acted against what it called"
    r = Resolver(text, ENGLISH)
    body = _right(text)
    assert body is not None
    r.resolve(body, salient=True)
    start = text.index(" it ") + 1
    it = Mention(start, start + 2, "it", pronoun=True)
    assert r.resolve(it).name == "United Nations Security Council"


def test_it_far_from_any_body_stays_it() -> None:
    text = "NATO met. " + "Nothing happened for a long while. " * 12 + "It was clear"
    r = Resolver(text, ENGLISH)
    r.resolve(Mention(0, 4, "NATO", "NATO"), salient=True)
    start = text.index("It was")
    assert r.resolve(Mention(start, start + 2, "It", pronoun=True)).name == "It"


_LOWER_WORD_RE = re.compile(r"(?<![\w’'\-])[a-z][a-z]+(?![\w’'\-])")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from([*"aZé-’'_ .\n1", "things", "Things", "thingsx", "ever"])),
    st.sampled_from(["things", "ever", "a", "é", "thing"]),
)
def test_a_word_written_alone_is_one_the_story_writes_in_lower_case(
    parts: list[str], word: str
) -> None:
    text = "".join(parts)
    assert resolve.written_alone(text, word) == (word in set(_LOWER_WORD_RE.findall(text)))


def test_she_does_not_stand_for_a_man_named_later() -> None:
    # nothing says Pat Roe is a woman, but "John" says John Doe is a man
    text = "Pat Roe spoke first. Then John Doe spoke. She said she was “not done yet.”"
    r = Resolver(text, ENGLISH)
    r.resolve(Mention(0, 7, "Pat Roe", name="Pat Roe"), salient=True)
    r.resolve(Mention(26, 34, "John Doe", name="John Doe"), salient=True)
    she = text.index("She")
    assert r.resolve(Mention(she, she + 3, "She", pronoun=True)).name == "Pat Roe"


def test_a_subject_after_a_lower_case_title_is_the_next_pronouns_antecedent() -> None:
    from summarizer import extract_quotes

    text = (
        "Senator Bob Tester spoke at length. In a statement on Tuesday, presidential "
        "nominee Jane Roe was more careful than her colleagues.\n\n"
        "Then she said it was “a shame.”"
    )
    [q] = [q for q in extract_quotes(text) if q.text == "a shame"]
    assert q.speaker == "Jane Roe"
