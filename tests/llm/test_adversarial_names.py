"""A first name the article writes in its long or short form ("Patrick Carlineo Jr." and,
in someone's quotation, "Pat Carlineo") names one person: a model using either keeps a
right quotation. Another first name before the same surname ("Dan Carlineo", his
brother, who speaks too), or a form the article never writes ("Patricia"), names nobody
else's words. Through a scripted model on a loopback OpenAI-compatible server (the real
``openai`` client end to end).
"""

from __future__ import annotations

import pytest

from bot.domain import Story
from summarizer.llm import LLMSummarizer
from summarizer.testing import FakeOpenAI

from .adversarial import one_quote_bullet

ARTICLE = """\
BUFFALO — A man who threatened a congresswoman was sentenced on Monday, prosecutors said.
Patrick Carlineo Jr., 55, of Addison, pleaded guilty in August.
“Pat Carlineo is passionate about his political beliefs,” said his attorney, Sonya Zoghlin.
Carlineo was arrested in April for a phone call to the office, in which he said he would \
put a “bullet in her skull.”
Dan Carlineo, his brother, said the family was “relieved that it is over.”
"""
PAT = "bullet in her skull"
DAN = "relieved that it is over"


@pytest.mark.parametrize(
    ("speaker", "text", "shown_as"),
    [
        ("Patrick Carlineo Jr.", PAT, "Pat Carlineo"),  # the article's long form
        ("Pat Carlineo", PAT, "Pat Carlineo"),
        ("Patricia Carlineo", PAT, None),  # a long form the article never writes
        ("Dan Carlineo", PAT, None),  # his brother
        ("Daniel Carlineo", PAT, None),
        ("Patrick Carlineo", DAN, None),  # the long form is not the brother's
        ("Dan Carlineo", DAN, "Dan Carlineo"),
    ],
)
async def test_a_first_names_long_and_short_forms(
    api: FakeOpenAI, llm: LLMSummarizer, speaker: str, text: str, shown_as: str | None
) -> None:
    story = Story(url="https://news.example/buffalo", title="Buffalo", text=ARTICLE, feed_url="f")
    _, shown = await one_quote_bullet(api, llm, story, speaker, text)
    assert [(q.speaker, q.text) for q in shown] == ([(shown_as, text)] if shown_as else [])
