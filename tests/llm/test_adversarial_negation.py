"""A fragment cut right after a negation set off by commas ("we do not, in fact, have",
"Never, ever, ever underestimate") or a few words after one ("I don't think that it's a
good idea") turns the sentence round; it is shown with its negation and verb put back.
An answer's "No," and a clause's own "or not," govern nothing after them: those
fragments are shown as cut. Through a scripted model on a loopback OpenAI-compatible
server (the real ``openai`` client end to end).
"""

from __future__ import annotations

import pytest

from bot.domain import Story
from summarizer.llm import LLMSummarizer
from summarizer.testing import FakeOpenAI

from .adversarial import one_quote_bullet

ARTICLE = """\
WASHINGTON — Senators argued on Thursday over the climate bill.
“We do not, in fact, have all the technology we need to cut emissions,” said Ted Nordhaus, \
an energy analyst.
“It is not, unfortunately, surprising that the bill stalled again,” Maria Osuna said.
“Never, ever, ever underestimate the other side in a fight like this,” Harry Reid said.
“No, I meant the committee was finished with the bill,” Reid said later.
“Like it or not, the bill will come back next year,” Osuna said.
“I don’t think that it’s a good idea to vote this week,” Reid said.
"""
NORDHAUS = "do not, in fact, have all the technology we need to cut emissions"
OSUNA = "is not, unfortunately, surprising that the bill stalled again"
REID_IDEA = "I don’t think that it’s a good idea to vote this week"
REID = "Never, ever, ever underestimate the other side in a fight like this"

CASES = {
    "not-then-an-aside": ("Ted Nordhaus", "in fact, have all the technology we need", NORDHAUS),
    "not-and-an-aside-both-cut": ("Ted Nordhaus", "have all the technology we need", NORDHAUS),
    "not-then-an-adverb": ("Maria Osuna", "unfortunately, surprising that the bill", OSUNA),
    "not-and-an-adverb-both-cut": ("Maria Osuna", "surprising that the bill stalled", OSUNA),
    "never-then-ever": ("Harry Reid", "ever, ever underestimate the other side", REID),
    "never-and-evers-cut": ("Harry Reid", "underestimate the other side in a fight", REID),
    "negation-four-words-back": ("Harry Reid", "a good idea to vote this week", REID_IDEA),
    # nothing to put back: the negation closes its own clause
    "an-answers-no": ("Harry Reid", "I meant the committee was finished", None),
    "or-not": ("Maria Osuna", "the bill will come back next year", None),
}


def story() -> Story:
    return Story(url="https://news.example/bill", title="Bill", text=ARTICLE, feed_url="f")


@pytest.mark.parametrize(("speaker", "text", "restored"), list(CASES.values()), ids=list(CASES))
async def test_a_negation_set_off_by_commas_is_put_back(
    api: FakeOpenAI, llm: LLMSummarizer, speaker: str, text: str, restored: str | None
) -> None:
    _, shown = await one_quote_bullet(api, llm, story(), speaker, text)
    # shown from the negation on (to the fragment's end), or as cut when nothing governs it
    want = restored[: restored.index(text) + len(text)] if restored else text
    assert [q.text for q in shown] == [want]
