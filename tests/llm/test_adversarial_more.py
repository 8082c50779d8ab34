"""More of the adversarial suite: the ways a right quotation is now kept, each beside a
near miss that must still be refused, on a second article, through a scripted model on a
loopback OpenAI-compatible server (the real ``openai`` client end to end).

Kept quotations must be shown under the speaker who says them in `ARTICLE` (the name the
article uses), verbatim; refused ones must not be shown as quotations at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.domain import Quote, Story
from summarizer.llm import LLMSummarizer
from summarizer.testing import FakeOpenAI, quote_bullet, reply, summary_json

from .adversarial import Case
from .conftest import config_for

ARTICLE = """\
LOS ANGELES — The Lakers beat the Thunder 130-127 on Tuesday, their seventh win in a row.
“Amazing,” Davis said. “To be able to do that against every team is something special.”
Vogel praised his point guard. “He’s just playing terrific basketball,” Vogel said.
Hunter Biden, who watched from courtside, called the game “a classic.”
Thunder coach Mark Daigneault was less pleased. “We gave away too many easy baskets,” \
Daigneault said.
“We have to be better on the boards,” Thunder guard (Luguentz) Dort said.
The California Governor's Office of Emergency Services said the arena's evacuation plan \
was “unacceptable.” The Los Angeles County Department of Public Health called the crowding \
“a serious risk to fans.”
"""
DAVIS_WORD = "Amazing"
DAVIS = "To be able to do that against every team is something special"
VOGEL = "He’s just playing terrific basketball"
BIDEN = "a classic"
DAIGNEAULT = "We gave away too many easy baskets"
DORT = "We have to be better on the boards"
OES = "unacceptable"
HEALTH = "a serious risk to fans"
# who says what, by the name the extractor resolved for them
TRUTH = {
    "Dort": (DORT,),
    "Office": (OES,),
    "Los Angeles County Department": (HEALTH,),
    "Davis": (DAVIS_WORD, DAVIS),
    "Vogel": (VOGEL,),
    "Hunter Biden": (BIDEN,),
    "Mark Daigneault": (DAIGNEAULT,),
}


CASES: dict[str, Case] = {
    # a word the article quotes on its own is a quotation, however short
    "whole-one-word-quotation": Case("Davis", DAVIS_WORD, "Davis"),
    "whole-one-word-other-speaker": Case("Vogel", DAVIS_WORD, None),
    "one-word-cut-from-a-longer-quotation": Case("Davis", "special", None),
    "whole-short-quotation-with-first-name": Case("Anthony Davis", DAVIS_WORD, "Davis"),
    # a first name the article never gives, before the one name it does
    "first-name-added": Case("Frank Vogel", VOGEL, "Vogel"),
    "first-name-added-with-someone-elses-title": Case("Thunder coach Frank Vogel", VOGEL, None),
    "first-name-of-someone-else-in-the-article": Case("Hunter Vogel", VOGEL, None),
    "first-name-added-to-the-wrong-surname": Case("Frank Davis", VOGEL, None),
    "two-made-up-first-names": Case("Kim Jong Vogel", VOGEL, None),
    "first-name-changed-where-the-article-gives-one": Case("Frank Daigneault", DAIGNEAULT, None),
    "other-first-name-where-the-article-gives-one": Case("Joe Biden", BIDEN, None),
    # a first name the article gives in brackets
    "bracketed-first-name": Case("Luguentz Dort", DORT, "Dort"),
    "other-first-name-for-a-bracketed-one": Case("Frank Dort", DORT, None),
    # the extractor's own mention of the speaker, where its resolved name is shorter
    "the-extractors-mention": Case(
        "California Governor's Office of Emergency Services", OES, "Office"
    ),
    "the-extractors-mention-in-part": Case(
        "Los Angeles County Department of Public Health", HEALTH, "Los Angeles County Department"
    ),
    "a-mention-of-someone-else": Case("Los Angeles County Department of Public Health", OES, None),
    "a-person-inside-the-mention": Case("the California Governor", OES, None),
    "words-beyond-the-mention": Case("Office of Emergency Services Director", OES, None),
    "part-of-the-mention-without-the-name": Case("Public Health", HEALTH, None),
}


def story() -> Story:
    return Story(url="https://news.example/lakers", title="Lakers win", text=ARTICLE, feed_url="f")


@pytest.fixture(scope="module")
def api() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def llm(api: FakeOpenAI) -> AsyncIterator[LLMSummarizer]:
    summarizer = LLMSummarizer(config_for(api, max_retries=0))
    try:
        yield summarizer
    finally:
        await summarizer.aclose()


def model_quotes(llm: LLMSummarizer, quotes: tuple[Quote, ...]) -> list[Quote]:
    offline = set(llm.fallback.summarize(story()).quotes)
    return [q for q in quotes if q not in offline]


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
async def test_kept_and_near_misses(api: FakeOpenAI, llm: LLMSummarizer, case: Case) -> None:
    api.add(reply(summary_json("The Lakers won.", [quote_bullet(case.speaker, case.text)])))
    outcome = await llm.summarize_detailed(story())
    assert outcome.source == "llm", outcome.reason
    bulleted = [q for b in outcome.summary.bullets for q in b.quotes]
    shown = model_quotes(llm, outcome.summary.quotes) + model_quotes(llm, tuple(bulleted))
    for q in shown:
        q.check(ARTICLE)
        assert q.speaker in TRUTH and any(q.text in said for said in TRUTH[q.speaker]), q
    claimed = [q for q in [*outcome.summary.quotes, *bulleted] if q.text == case.text]
    if case.shown_as is None:
        assert not shown
        assert all(q.speaker in TRUTH and case.text in TRUTH[q.speaker] for q in claimed)
    else:
        assert [q.speaker for q in model_quotes(llm, outcome.summary.quotes)] == [case.shown_as]
    assert outcome.counts.verified == (case.shown_as is not None)


UNNAMED = """\
“Fans were never in any danger tonight,” he told reporters on Wednesday.
The storm passed by noon, and the Lakers beat the Thunder 130-127.
"""


@pytest.mark.parametrize(
    ("text", "paraphrased"),
    [
        ("Fans were never in any danger tonight", True),  # said by a "he" nobody names
        ("in any danger tonight", False),  # the same, cut after its "never"
    ],
)
async def test_words_the_article_gives_to_nobody_named_become_a_paraphrase(
    api: FakeOpenAI, llm: LLMSummarizer, text: str, paraphrased: bool
) -> None:
    unnamed = Story(url="https://news.example/storm", title="Storm", text=UNNAMED, feed_url="f")
    api.add(reply(summary_json("A storm passed.", [quote_bullet("the Lakers", text)])))
    outcome = await llm.summarize_detailed(unnamed)
    assert outcome.source == "llm", outcome.reason
    offline = set(llm.fallback.summarize(unnamed).quotes)
    assert [q for q in outcome.summary.quotes if q not in offline] == []
    assert [p.text for p in outcome.paraphrases] == ([text] if paraphrased else [])
    assert all("never" in p.text for p in outcome.paraphrases)


HEADLINE = """\
Christie Slams Hillary Clinton Over Police Remarks

New Jersey Gov. Chris Christie said on Tuesday that the remarks were divisive. “She should \
apologize,” Christie said.
Clinton said she could speak directly to “white people” about policing. “This is just \
unbearable,” she said.
"""


@pytest.mark.parametrize(
    ("speaker", "text", "kept"),
    [
        ("Hillary Clinton", "This is just unbearable", True),
        ("Chris Christie", "She should apologize", True),
        # the headline's Title Case puts "Christie" right before "Hillary Clinton": still
        # no name of hers
        ("Christie", "white people", False),
        ("Christie", "This is just unbearable", False),
        ("Christie Hillary Clinton", "This is just unbearable", False),
    ],
)
async def test_a_word_of_another_speakers_name_never_names_someone(
    api: FakeOpenAI, llm: LLMSummarizer, speaker: str, text: str, kept: bool
) -> None:
    headline = Story(url="https://news.example/nj", title="NJ", text=HEADLINE, feed_url="f")
    api.add(reply(summary_json("Christie and Clinton clashed.", [quote_bullet(speaker, text)])))
    outcome = await llm.summarize_detailed(headline)
    assert outcome.source == "llm", outcome.reason
    offline = set(llm.fallback.summarize(headline).quotes)
    shown = [q for q in outcome.summary.quotes if q not in offline]
    # shown under the extractor's name for the speaker ("Clinton" or "Hillary Clinton")
    assert [(q.speaker.split()[-1], q.text) for q in shown] == (
        [("Clinton" if "unbearable" in text else "Christie", text)] if kept else []
    )
