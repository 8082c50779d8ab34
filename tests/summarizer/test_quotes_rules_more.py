"""Attribution patterns added with the speaker ranker (made-up sentences, no article text)."""

from __future__ import annotations

import pytest

from bot.domain import QuoteKind
from summarizer import extract_quotes


def _speaker(text: str, words: str) -> str | None:
    quotes = extract_quotes(text)
    found = [q for q in quotes if words in q.text and q.kind is not QuoteKind.INDIRECT]
    assert found, f"no quotation containing {words!r} in {extract_quotes(text)}"
    return found[0].speaker


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        # a non-breaking space between the pronoun and its verb
        (
            "Director Aaron Roe responded that the site cites claims.\n\n"
            "“We’re not just validating numbers,” he\u00a0told reporters.",
            "validating numbers",
            "Aaron Roe",
        ),
        # "as X put it" with more after "it"
        (
            "His degree has not kept him from being seen, as The New Yorker put it in a "
            "lengthy expose, “the operator.”",
            "the operator",
            "New Yorker",
        ),
        # an introduction ending in a colon, after a dated opener
        (
            "Statements by two senators were rated differently.\n\n"
            "On July 6, 2015, Sanders made the following comment:\n\n"
            "“For young people who dropped out, the unemployment rate is 51 percent.”",
            "For young people",
            "Sanders",
        ),
        # "32% of Republican claims": the object of "of" does not report; the subject does
        (
            "The Fact Desk rated 32% of Republican claims as “pants on fire.”",
            "pants on fire",
            "Fact Desk",
        ),
        # the paragraph ends after the closing marks, even after a nested quotation
        (
            "Mary Roe, a historian who attended, recalled, \"Out of nowhere, he said, 'All "
            "bets are off.'\"\n\nMr. Smith, who knew a vote would fail, told his advisers "
            "to act.",
            "Out of nowhere",
            "Mary Roe",
        ),
    ],
)
def test_speaker(text: str, words: str, speaker: str) -> None:
    assert _speaker(text, words) == speaker


def test_quote_text_keeps_the_story_characters() -> None:
    text = "“We are\u00a0ready,” said Jane Roe."
    (q,) = [q for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT]
    assert q.text == "We are\u00a0ready"
    assert text[q.start : q.end] == q.text


def test_a_title_followed_by_its_star_or_host_is_no_quote() -> None:
    text = (
        "“Orange is the New Black” star Dascha Polanco opened up about Hollywood. "
        "“Meet the Press” host Chuck Todd asked about it.\n\n"
        "“We are ready,” star player Jo Smith said.\n"
    )
    assert [q.text for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT] == [
        "We are ready"
    ]
