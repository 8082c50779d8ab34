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


def _direct(text: str) -> list[str]:
    return [q.text for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT]


@pytest.mark.parametrize(
    "text",
    [
        # a work's title with its subtitle, however long
        "The movie, “Nine Days: The Secret Siege of the Northern Consulate,” opens Friday.",
        "Papers pored over his new book, “Broken Harbor: How to Make the Town Whole Again.”",
        "She acted in the cable movie “Flood Town 4: Oh No Not Again!” last spring.",
        # a headline credited to a byline or cited with its publication and date
        "NOW OPEN—“Pop-up gallery aims to confront the rent crisis in Midtown,” by "
        "DNAinfo’s Jo Roe: http://example.com/x.",
        "I agree with Jane Doe (“Doe slams the plan as a giveaway to the rich,” "
        "USATODAY.com, Thursday).",
        # slogans and posters dated by a year in brackets
        "The party’s posters read as a history. “Stop the new border tax, yes to local "
        "control” (2008) — “Our town first, no to the outside money” (2010).",
        # a capitalised subheading on a line of its own
        "The talks ended late.\n“DIVISIVE, FOOLISH AND WRONG”\nRoe will meet the winner.",
        # a button to click, and a web address between stray marks
        "Just enter your email address and click “sign up.” That is all.",
        'Jane Roe runs a gallery in Chelsea. She hopes to sell art there." '
        "http://example.com/1abc.\n\nMore news follows.",
    ],
)
def test_quoted_words_no_one_says_are_no_quotes(text: str) -> None:
    assert _direct(text) == []


def test_a_headline_rule_leaves_the_passive_agent_alone() -> None:
    # "by" an agent after a quoted fragment: the fragment is reported speech
    text = "Roe said the deal was “a disaster for workers,” by his count the worst in years."
    assert _direct(text) == ["a disaster for workers"]


def test_a_subtitled_title_in_a_reported_clause_stays() -> None:
    # PolNeAR counts every quotation inside reported content: a title a cue reports on
    text = (
        "Roe recalled that Doe kept talking about “Broken Harbor: How Towns Choose to Fail "
        "or Succeed,” a best seller."
    )
    assert _direct(text) == ["Broken Harbor: How Towns Choose to Fail or Succeed"]


def test_the_mark_closing_a_markup_attribute_opens_no_quote() -> None:
    text = (
        '<tweet tweet-author="@janeroe" tweet-date="May 9, 2016\n">Great crowd in Ohio '
        "tonight. Thank you all!<tweet/>.\n\n“We will win Ohio,” Roe said."
    )
    assert _direct(text) == ["We will win Ohio"]


def test_a_programme_told_or_interviewed_on_is_no_quote() -> None:
    text = (
        "“He is fair game,” Roe told “Morning with Friends,” reminding the hosts of it. "
        "In an interview with “News Sunday Tonight,” Doe disagreed."
    )
    assert _direct(text) == ["He is fair game"]


def test_words_told_to_someone_in_quotes_stay() -> None:
    text = "Roe told “the people of Ohio that We Will Win,” aides said."
    assert _direct(text) == ["the people of Ohio that We Will Win"]


def test_a_feet_and_inches_mark_opens_no_quotation() -> None:
    text = (
        "The letter says Roe is 6'3\" tall and weighs 236 pounds.\n\n"
        'He said "we won in 2016" today.'
    )
    assert [q.text for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT] == [
        "we won in 2016"
    ]


def test_an_inverted_pronoun_before_a_comma_is_the_tags_subject() -> None:
    # "said she, smiling": the pronoun is the tag's subject, not a reported clause's
    text = "Jane Roe spoke. “We will win,” said she, smiling."
    [q] = [q for q in extract_quotes(text) if q.text == "We will win"]
    assert q.speaker == "Jane Roe" and q.cue == "said"
