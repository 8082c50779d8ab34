"""Where a speaker mention starts and ends: adverbs before the verb are not part of it,
the surname He is no pronoun, an unnamed source keeps what makes it one."""

from __future__ import annotations

from summarizer import extract_quotes
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.mentions import left_mention, right_mention


def test_adverb_between_subject_and_verb_is_not_in_the_mention() -> None:
    text = "The company flat-out denied the allegations"
    m = left_mention(ENGLISH, text, 0, text.index("denied"))
    assert m is not None and m.text == "The company"


def test_ordinal_adverb_after_a_name_ends_the_mention() -> None:
    text = "Afghan President Ashraf Ghani first announced the exchange"
    m = right_mention(ENGLISH, text, 0, len(text))
    assert m is not None and m.name == "Ashraf Ghani"
    ordinal = "the first official said"
    m = right_mention(ENGLISH, ordinal, 0, len(ordinal))
    assert m is not None and m.text == "the first official"


def test_surname_he_is_a_name_not_a_pronoun() -> None:
    text = (
        "“What is the incentive?” He Jianxiong, a former director at the "
        "International Monetary Fund, said at an event."
    )
    assert [q.speaker for q in extract_quotes(text)] == ["He Jianxiong"]
    m = right_mention(ENGLISH, "He said so.", 0, 11)
    assert m is not None and m.pronoun
    m = right_mention(ENGLISH, "He Told Reporters", 0, 17)
    assert m is not None and m.pronoun


def test_unnamed_source_with_what_makes_it_one_is_the_subject() -> None:
    for text, source in [
        (
            "It is no good deal for Trump, a second person briefed on last weekend's "
            "phone call said.",
            "a second person briefed on last weekend's phone call",
        ),
        ("It is over, a source close to the talks said.", "a source close to the talks"),
        ("It is bad, two people involved in the talks said.", "two people involved in the talks"),
    ]:
        m = left_mention(ENGLISH, text, 0, text.rindex(" said") + 1)
        assert m is not None and m.text == source
