"""Right quotations the attribution check used to throw away, each beside near misses that
must still be refused, through a scripted model on a loopback OpenAI-compatible server
(the real ``openai`` client end to end).

The model names a speaker by the article's own phrase where the extractor's mention is
shorter ("Former royal PR aides", "Christian Rev. Derek Penwell", "Judicial Watch",
"Army Capt. Christian Pardo"), by the person heading a mention the extractor resolved to
an organisation ("Cameron Easley for Morning Consult"), or by an organisation whose name
holds "and" ("Customs and Border Protection"). Kept quotations are shown under the
extractor's name for the speaker; refused ones are not shown as quotations at all.
"""

from __future__ import annotations

import pytest

from bot.domain import Story
from summarizer.llm import LLMSummarizer
from summarizer.testing import FakeOpenAI

from .adversarial import Case, one_quote_bullet

ARTICLE = """\
WASHINGTON — The committee voted 7-5 on Thursday to release the report.
Former royal PR aides called it not a mistake, but “an articulated lorry crash” of a hearing.
Christian Rev. Derek Penwell said the hearing had shown “how little the truth matters to \
anyone here.”
“The candidates left just don’t understand the military,” said Army Capt. Christian Pardo, \
who served two tours.
Judicial Watch stated in a release Tuesday that the report “proves the emails were hidden \
from the court.”
“The impact of the hearing on voters is still small,” wrote Cameron Easley for Morning Consult.
“We will review every recommendation in the report,” Customs and Border Protection said in \
a statement.“We will win Ohio,” said Donald Trump for President spokesman Jason Miller.
"""
CBP_NAME = "Customs and Border Protection"
PENWELL_NAME = "Christian Rev. Derek Penwell"
AIDES = "an articulated lorry crash"
PENWELL = "how little the truth matters to anyone here"
PARDO = "The candidates left just don’t understand the military"
WATCH = "proves the emails were hidden from the court"
EASLEY = "The impact of the hearing on voters is still small"
OHIO = "We will win Ohio"
CBP = "We will review every recommendation in the report"


CASES: dict[str, Case] = {
    # modifiers and titles the article writes right before the extractor's mention
    "words-before-the-mention": Case("former royal PR aides", AIDES, "PR aides"),
    "modifiers-without-the-mention": Case("Former royal", AIDES, None),
    "a-capitalised-word-before-a-name": Case(PENWELL_NAME, PENWELL, "Derek Penwell"),
    "someone-elses-words-before-a-name": Case("Army Capt. Derek Penwell", PENWELL, None),
    "a-speaker-named-before-a-mention": Case(PENWELL_NAME, WATCH, None),
    # a name the extractor's mention cut short
    "the-rest-of-a-name-after-the-mention": Case("Judicial Watch", WATCH, "Judicial"),
    "after-an-abbreviation": Case("Army Capt. Christian Pardo", PARDO, "Army Capt"),
    "a-name-not-covering-the-mention": Case("Christian Pardo", PARDO, None),
    "the-rest-of-a-name-for-someone-else": Case("Judicial Watch", EASLEY, None),
    "words-the-article-does-not-write-there": Case("Judicial Watch Director", WATCH, None),
    # the person heading a mention resolved to an organisation
    "the-person-heading-the-mention": Case("Cameron Easley", EASLEY, "Morning Consult"),
    "the-organisation-itself": Case("Morning Consult", EASLEY, "Morning Consult"),
    "one-word-of-the-head": Case("Easley", EASLEY, None),
    "the-head-for-another-quotation": Case("Cameron Easley", CBP, None),
    "a-name-heading-someone-elses-mention": Case("Donald Trump", OHIO, None),
    "the-name-at-the-end-of-that-mention": Case("Jason Miller", OHIO, "Jason Miller"),
    # an organisation whose name holds "and"
    "and-inside-one-name": Case(CBP_NAME, CBP, CBP_NAME),
    "and-inside-one-name-for-another-quotation": Case(CBP_NAME, EASLEY, None),
    "two-speakers-joined": Case("Morning Consult and Customs and Border Protection", CBP, None),
    "two-speakers-joined-again": Case("Judicial Watch and Cameron Easley", EASLEY, None),
}


def story() -> Story:
    return Story(url="https://news.example/report", title="Report", text=ARTICLE, feed_url="f")


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
async def test_the_articles_phrase_for_a_speaker(
    api: FakeOpenAI, llm: LLMSummarizer, case: Case
) -> None:
    outcome, shown = await one_quote_bullet(api, llm, story(), case.speaker, case.text)
    if case.shown_as is None:
        assert shown == []
    else:
        assert [(q.speaker, q.text) for q in shown] == [(case.shown_as, case.text)]
    assert outcome.counts.verified == (case.shown_as is not None)
