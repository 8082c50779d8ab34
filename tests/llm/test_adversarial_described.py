"""Speakers the offline extractor left a description ("the spokesperson", "the man"), and
speakers it only guessed, through a scripted model on a loopback OpenAI-compatible server
(the real ``openai`` client end to end).

A model's name for a description's quotation is kept only when the article itself links
that name to that description before it (an apposition, a title, the description's own
indefinite first mention), and to no one else: a name nearby, a name the article links
to another description, or a link that comes only after the quotation is refused. A
quotation whose speaker the extractor guessed (no cue, subject or speaker in its
sentence or paragraph) is not shown as a quotation even when the model names that
same speaker.
"""

from __future__ import annotations

import pytest

from bot.domain import Story
from summarizer.llm import LLMSummarizer
from summarizer.testing import FakeOpenAI

from .adversarial import Case, one_quote_bullet

ARTICLE = """\
SPRINGFIELD — Acme Corp. shut its riverside plant on Monday after a chemical leak.
The closure was announced by Jane Doe, the company's spokesperson, and by Mayor Tom Reyes.
Inspectors found a 58-year-old man near the fence. Bob Roe, a night guard, called the police.
“We are cooperating fully with the inspectors,” the spokesperson said.
“I smelled it for days before anyone came,” the man told reporters.
Later a spokesperson for the state said the agency would review the permit.
“The permit will be reviewed this week,” a spokesperson said.
“There is no danger to the public,” the official added.
"""
COOPERATING = "We are cooperating fully with the inspectors"
SMELLED = "I smelled it for days before anyone came"
PERMIT = "The permit will be reviewed this week"
DANGER = "There is no danger to the public"

# the article gives "spokesperson" to two people: "the spokesperson" names neither
TWO_SPOKESPEOPLE = """\
SPRINGFIELD — Acme Corp. shut its riverside plant on Monday.
The closure was announced by Jane Doe, the company's spokesperson, and by Li Wei, the \
union's spokesperson.
“We are cooperating fully with the inspectors,” the spokesperson said.
"""
# the name comes only after the quotation: a description points back, not forward
NAMED_AFTER = """\
SPRINGFIELD — Acme Corp. shut its riverside plant on Monday.
“Nobody was hurt in the leak,” the spokesman said. The spokesman, Paul Kim, declined to \
say more.
"""
HURT = "Nobody was hurt in the leak"

# the last quotation has no cue, subject or speaker in its sentence or paragraph: the
# extractor guesses the story's latest speaker
GUESSED = """\
SPRINGFIELD — The riverside plant stayed shut on Tuesday.
Mayor Tom Reyes said the closure would last “as long as it takes to be safe.”
The river was quiet by the afternoon, and the boats stayed in.
“Nobody will fish here this year, and nobody should.”
"""
FISH = "Nobody will fish here this year, and nobody should"
SAFE = "as long as it takes to be safe"

CASES: dict[str, tuple[str, Case]] = {
    # the article's own links from a name to the description the extractor left
    "an-apposition-after-the-name": (ARTICLE, Case("Jane Doe", COOPERATING, "Jane Doe")),
    "the-surname-of-that-name": (ARTICLE, Case("Doe", COOPERATING, "Jane Doe")),
    "the-name-with-the-articles-description": (
        ARTICLE,
        Case("company spokesperson Jane Doe", COOPERATING, "Jane Doe"),
    ),
    "the-descriptions-indefinite-first-mention": (
        ARTICLE,
        Case("58-year-old man", SMELLED, "58-year-old man"),
    ),
    # attacks on those links
    "a-name-next-to-the-description": (ARTICLE, Case("Tom Reyes", COOPERATING, None)),
    "the-organisation-in-the-apposition": (ARTICLE, Case("Acme Corp.", COOPERATING, None)),
    "a-first-name-the-article-does-not-give": (ARTICLE, Case("John Doe", COOPERATING, None)),
    "words-the-article-does-not-give-them": (
        ARTICLE,
        Case("Acme chief executive Jane Doe", COOPERATING, None),
    ),
    "the-linked-name-joined-to-another": (
        ARTICLE,
        Case("Jane Doe and Tom Reyes", COOPERATING, None),
    ),
    "the-linked-name-for-another-description": (ARTICLE, Case("Jane Doe", SMELLED, None)),
    "the-linked-name-for-an-indefinite-description": (ARTICLE, Case("Jane Doe", PERMIT, None)),
    "the-linked-name-for-the-official": (ARTICLE, Case("Jane Doe", DANGER, None)),
    "a-man-named-near-the-man": (ARTICLE, Case("Bob Roe", SMELLED, None)),
    "another-mans-description": (ARTICLE, Case("night guard", SMELLED, None)),
    "two-people-given-the-description": (TWO_SPOKESPEOPLE, Case("Jane Doe", COOPERATING, None)),
    "two-people-given-the-description-the-other": (
        TWO_SPOKESPEOPLE,
        Case("Li Wei", COOPERATING, None),
    ),
    "a-link-after-the-quotation": (NAMED_AFTER, Case("Paul Kim", HURT, None)),
    # a speaker the extractor only guessed
    "the-guessed-speaker": (GUESSED, Case("Tom Reyes", FISH, None)),
    "the-guessed-speaker-by-surname": (GUESSED, Case("Reyes", FISH, None)),
    "the-same-speaker-where-the-article-says-so": (GUESSED, Case("Tom Reyes", SAFE, "Tom Reyes")),
}


@pytest.mark.parametrize(("article", "case"), list(CASES.values()), ids=list(CASES))
async def test_a_descriptions_name_only_as_the_article_links_it(
    api: FakeOpenAI, llm: LLMSummarizer, article: str, case: Case
) -> None:
    story = Story(url="https://news.example/plant", title="Plant", text=article, feed_url="f")
    outcome, shown = await one_quote_bullet(api, llm, story, case.speaker, case.text)
    if case.shown_as is None:
        assert shown == []
    else:
        assert [(q.speaker, q.text) for q in shown] == [(case.shown_as, case.text)]
    assert outcome.counts.verified == (case.shown_as is not None)
