"""The seed article's hard cases, on the copy kept in tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain import Quote, QuoteKind
from summarizer import extract_quotes

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed-article.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def quotes(text: str) -> list[Quote]:
    return extract_quotes(text)


def _quote(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if q.kind is not QuoteKind.INDIRECT and words in q.text]
    assert found, f"no quotation containing {words!r}"
    return found[0]


def test_every_quote_slices_out_of_the_text(text: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert text[q.start : q.end] == q.text
        q.check(text)
        if q.speaker_mention is not None:
            assert 0 <= q.speaker_mention.start < q.speaker_mention.end <= len(text)


def test_all_27_quotations_are_found(text: str, quotes: list[Quote]) -> None:
    direct = [q for q in quotes if q.kind is not QuoteKind.INDIRECT]
    assert len(direct) == 27
    assert all(q.speaker for q in direct)


@pytest.mark.parametrize(
    "words",
    [
        "a road to nowhere",  # "Foreign minister Sergey Lavrov dismissed ... as"
        "This will not work",  # “...," he said: curly open, straight close
        "Putin is ready to meet with Zelenskyy",  # "He later told NBC" a paragraph on
    ],
)
def test_lavrov_quotes(quotes: list[Quote], words: str) -> None:
    q = _quote(quotes, words)
    assert q.speaker == "Sergey Lavrov"
    assert q.speaker_role is not None and "foreign minister" in q.speaker_role.lower()


def test_mixed_curly_and_straight_marks(quotes: list[Quote]) -> None:
    q = _quote(quotes, "This will not work")
    assert q.text == "This will not work"


def test_quote_inside_a_quoted_speaker_tag_goes_to_the_later_speaker(quotes: list[Quote]) -> None:
    # Lavrov “said the quiet part out loud,” said Jonathan Green
    q = _quote(quotes, "said the quiet part out loud")
    assert q.speaker == "Jonathan Green"
    assert q.kind is QuoteKind.MIXED
    assert q.speaker_role is not None and q.speaker_role.startswith("a national security")


def test_quote_continues_after_the_speaker_break(quotes: list[Quote]) -> None:
    assert _quote(quotes, "Gone is whatever public illusion").speaker == "Jonathan Green"
    assert _quote(quotes, "They have been avoiding").speaker == "Ivo Daalder"
    assert _quote(quotes, "Could they tolerate").speaker == "a former administration official"
    senior = _quote(quotes, "But there is also concern").speaker
    assert senior is not None and senior.startswith("one senior official")


def test_show_title_is_not_a_quote(quotes: list[Quote]) -> None:
    assert not [
        q for q in quotes if "Meet the Press" in q.text and q.kind is not QuoteKind.INDIRECT
    ]


def test_anonymous_sources_and_their_back_references(quotes: list[Quote]) -> None:
    person = _quote(quotes, "As long as [Trump] feels like")
    assert person.speaker == "a second White House official"
    assert person.anonymous
    official = _quote(quotes, "it is not in the national interest")
    assert official.speaker == "the first White House official"
    first = _quote(quotes, "continue to engage with Russian")
    assert first.speaker == "the first White House official"
    former = _quote(quotes, "It’s going to be a really hard sell")
    assert former.speaker == "a former administration official"
    assert former.anonymous


def test_bracketed_insertions_stay_verbatim(quotes: list[Quote]) -> None:
    q = _quote(quotes, "As long as [Trump] feels like")
    assert q.text.startswith("As long as [Trump] feels")
    assert "since [Trump’s] election" in _quote(quotes, "They have been avoiding").text


def test_social_media_post_speaks_for_its_author(quotes: list[Quote]) -> None:
    assert _quote(quotes, "It is very hard, if not impossible").speaker == "Donald Trump"
    assert _quote(quotes, "would not let Ukraine FIGHT BACK").speaker == "Donald Trump"
    assert _quote(quotes, "How did that work out?").speaker == "Donald Trump"


def test_named_speakers_resolve_to_full_names(quotes: list[Quote]) -> None:
    assert _quote(quotes, "Putin does not understand").speaker == "Volodymyr Zelenskyy"
    assert _quote(quotes, "He has discovered over the past").speaker == "Tom Graham"
    colby = _quote(quotes, "minimal")
    assert colby.speaker == "Elbridge Colby"
    assert colby.speaker_role == "the Pentagon’s top policy official"


def test_indirect_attributions(quotes: list[Quote]) -> None:
    indirect = [q for q in quotes if q.kind is QuoteKind.INDIRECT]
    by_start = {q.text[:30]: q for q in indirect}
    assert any(
        q.text.startswith("Trump wasn’t sending a warning")
        and q.speaker == "a senior administration official"
        for q in indirect
    )
    assert any(
        q.text.startswith("reluctant to pressure Russian President")
        and q.speaker == "three people familiar with his thinking"
        for q in indirect
    )
    assert by_start  # there are some
