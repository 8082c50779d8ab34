"""One sentence per attribution pattern the rules know (made-up sentences, no article text)."""

from __future__ import annotations

import pytest

from bot.domain import Quote, QuoteKind
from summarizer import extract_quotes


def _only(text: str, words: str) -> Quote:
    quotes = extract_quotes(text)
    found = [q for q in quotes if words in q.text and q.kind is not QuoteKind.INDIRECT]
    found += [q for q in quotes if words in q.text and q.kind is QuoteKind.INDIRECT]
    assert found, f"nothing containing {words!r} in {extract_quotes(text)}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        # speaker tag after a question mark: the sentence does not end there
        ("“Who will pay for it?” Pence said in response. “Mexico will.”", "Who will", "Pence"),
        ("“Who will pay for it?” Pence said in response. “Mexico will.”", "Mexico will", "Pence"),
        # party tag between the name and the verb
        (
            "“They have nothing to worry about,” Sen. Jane Roe (D-N.Y.) said Tuesday.",
            "nothing to worry",
            "Jane Roe",
        ),
        # a description the lexicon does not know, after an inverted verb
        ("“We were all so proud of him,” said the 46-year-old.", "so proud", "the 46-year-old"),
        # any verb after the closing mark
        ("“Mexico!” the audience screamed back.", "Mexico", "the audience"),
        # colon tag
        (
            "Jeb Bush and Jane Roe disagree.\n\nRoe: “Our goal is not to contain it.”",
            "Our goal",
            "Jane Roe",
        ),
        # dash attribution
        (
            "“Maybe we can build a wall around the whole thing.” ― Steve Quinn",
            "build a wall",
            "Steve Quinn",
        ),
        # sentence-initial "Said"
        (
            "Said Dora Poyn, who grew up nearby, “We were all so proud of him.”",
            "so proud",
            "Dora Poyn",
        ),
        # a multi-comma appositive
        (
            "Cory James, 22, of Flint, Mich., said, “The party does not represent me anymore.”",
            "does not represent",
            "Cory James",
        ),
        # a long appositive with a hyphenated place ("D.C.-based") before the cue
        (
            "Jim Doe, the head of the D.C.-based Arab American Group, said: “It cannot work.”",
            "cannot work",
            "Jim Doe",
        ),
        # a party tag and a comma before the cue
        (
            "Sen. Jack Roe (D-R.I.), said the plan was a “starting point.”",
            "starting point",
            "Jack Roe",
        ),
        # the clause right after a cue is what its speaker reports
        ("Jane Roe says he feels he did “great” in the debate.", "great", "Jane Roe"),
        # the outer source of a nested report
        ("“Please stay calm,” Sanders said, according to CNN.", "stay calm", "CNN"),
        (
            "According to pool reports, Obama said “there is love” in the city.",
            "there is love",
            "pool reports",
        ),
        # a tag that closes a paragraph introduces the next one
        ("Jane Roe says:\n\n“The roads were blocked.”", "roads were", "Jane Roe"),
        # a relative clause carries the quotation: "who" speaks for its antecedent (a
        # quotation long enough that the speech/not-speech model does not weigh it)
        (
            "Graham contrasted that with Jane Roe who is looking to bring “people together "
            "again after a bitter year.”",
            "people together",
            "Jane Roe",
        ),
        # an abbreviation before a paragraph break still ends the sentence
        (
            "4:23 p.m.\n\nJane Roe is releasing an ad that urges voters to “send a message.”",
            "send a message",
            "Jane Roe",
        ),
        # a cue inside a fronted "While/After ..." clause reports something else
        (
            "After Sen. John Doe criticized the plan, Jane Roe shot back, “I chose my own way.”",
            "my own way",
            "Jane Roe",
        ),
        (
            "While Jane Roe has condemned the plan, the mayor is “deeply worried.”",
            "deeply worried",
            "the mayor",
        ),
        # "with NP V-ing": the noun phrase is the participle's subject, not an object
        (
            "Republicans were irked, with Sen. John Doe calling it a “Chinese menu.”",
            "Chinese menu",
            "John Doe",
        ),
        # a fronted "According to ..." whose mention stops short of its comma
        (
            "According to White House pool reports, Obama said “there is love” in Orlando.",
            "there is love",
            "White House",
        ),
        # "X told reporters he feels ...": a pronoun cue after "told <object>" is X's report
        (
            "The senator told reporters she feels good about Iowa, and “we'll see.”",
            "we'll see",
            "the senator",
        ),
        # ... but the main clause's own cue right before the quotation still counts
        (
            "When John Doe noted the cost, Jane Roe boasted, “That makes me smart.”",
            "makes me smart",
            "Jane Roe",
        ),
    ],
)
def test_speaker_patterns(text: str, words: str, speaker: str) -> None:
    q = _only(text, words)
    assert q.kind is not QuoteKind.INDIRECT
    assert q.speaker == speaker
    q.check(text)


def test_transcript_labels() -> None:
    text = '"WALLACE: Do you really see those two as equivalent?\n\n"PENCE: Well, look, you know.'
    assert _only(text, "Do you really").speaker == "Wallace"
    assert _only(text, "Well, look").speaker == "Pence"


def test_pronoun_prefers_matching_gender() -> None:
    text = (
        "Hillary Clinton spoke first. Bill Gates answered her questions later.\n\n"
        "“It was a long day,” she said."
    )
    assert _only(text, "long day").speaker == "Hillary Clinton"


def test_parenthetical_tag_reports_the_clause_after_it() -> None:
    text = "Trump, the senior official continued, believes the deal is close to done."
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["the senior official"]
    assert quotes[0].text == "the deal is close to done"


def test_indirect_content_after_adjuncts() -> None:
    text = "Later in the day, the agency said on Friday that it would cooperate fully."
    (q,) = extract_quotes(text)
    assert q.kind is QuoteKind.INDIRECT
    assert q.speaker == "the agency"
    assert q.text == "it would cooperate fully"


def test_according_to_with_content_first() -> None:
    text = "Turnout fell sharply in the state, according to election officials."
    (q,) = extract_quotes(text)
    assert q.text == "Turnout fell sharply in the state"
    assert q.speaker == "election officials"


def test_double_apostrophe_quotes_are_not_direct_quotes() -> None:
    # a wire convention the gold annotations do not count as quotation marks: the words
    # still come back, as the content of the speaker tag, never as a direct quote
    text = "''We wanted to control the real estate,'' Michael Cern, the city manager, said."
    quotes = extract_quotes(text)
    assert [q.kind for q in quotes] == [QuoteKind.INDIRECT]
    assert quotes[0].speaker == "Michael Cern"
    assert "control the real estate" in quotes[0].text


def test_scare_quotes_get_at_most_a_weak_speaker() -> None:
    # the short-quotation model may keep a scare quote (gold direct quotes include many);
    # its speaker is then only the sentence's subject, and says so by its confidence
    text = "The plan was billed as “fair” by nobody in particular, and the weather was cold."
    for q in extract_quotes(text):
        assert q.speaker in (None, "the plan")
        assert q.confidence < 0.5


def test_titles_are_not_quotes() -> None:
    text = "He appeared on “The Late Show” on Tuesday and later watched “Game of Thrones.”"
    assert [q for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT] == []


def test_a_programme_after_a_possessive_is_not_a_quote() -> None:
    text = "“We will win this state,” Jane Roe said on NBC’s “Meet the Voters Today.”"
    direct = [q for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT]
    assert [q.text for q in direct] == ["We will win this state"]


def test_a_report_nested_in_a_longer_report_is_emitted_once() -> None:
    text = (
        "Senator Jane Roe also said he supports increasing the threshold for Pell grants "
        "and accelerating disbursement of the funds."
    )
    (q,) = extract_quotes(text)
    assert q.kind is QuoteKind.INDIRECT
    assert q.text.startswith("he supports increasing")
    assert q.speaker == "Jane Roe"


def test_confidence_says_how_the_speaker_was_found() -> None:
    text = "“We are ready,” the mayor said.\n\n“We have the money.”\n\nTurnout was low."
    first, second = (q for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT)
    assert first.confidence == 1.0
    assert second.speaker == "the mayor"
    assert second.confidence < first.confidence


def test_short_quotation_model_is_loaded_and_scores_in_range() -> None:
    from summarizer.quotes import short

    assert short.WEIGHTS, "short_quotes.json is shipped with the package"
    assert set(short.WEIGHTS) <= set(short.FEATURES)
    zero = dict.fromkeys(short.FEATURES, 0.0)
    assert 0.0 < short.score({**zero, "bias": 1.0}) < 1.0
    title = {**zero, "bias": 1.0, "title": 1.0, "title_case": 1.0, "conf_none": 1.0}
    speech = {**zero, "bias": 1.0, "words_4_6": 1.0, "conf_adjacent": 1.0, "sentence_has_cue": 1.0}
    assert short.score(speech) > short.score(title)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We will fix the subway,” said Mayor Bill de Blasio of New York.", "Bill de Blasio"),
        ("“I know Wyoming,” said Patricia Moran of Cheyenne.", "Patricia Moran"),
        ("“We are ready,” said Sen. Harry M. Reid (D-Nev.).", "Harry M. Reid"),
    ],
)
def test_canonical_names(text: str, speaker: str) -> None:
    (q,) = [q for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT]
    assert q.speaker == speaker
