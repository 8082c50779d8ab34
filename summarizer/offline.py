"""The offline `Summarizer`: a lead-sentence gist plus rule-based who-said-what."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain import Quote, Story
from bot.ports import Summary
from summarizer import extract_quotes
from summarizer.bullets import make_bullets
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.marks import pair_marks, sentence_bounds

GIST_MAX = 200
_MIN_WORDS = 6
_LETTER_RE = re.compile(r"[^\W\d_]")


def gist(text: str, limit: int = GIST_MAX, *, title: str = "") -> str:
    """The first real sentence (not a dateline, a one-word line or the headline), cut at a word."""
    headline = _comparable(title)
    for s, e in sentence_bounds(text, pair_marks(text), ENGLISH):
        sentence = " ".join(text[s:e].split())
        if headline and _comparable(sentence) == headline:
            continue  # pages often repeat the headline as the first line of the text
        if len(sentence.split()) >= _MIN_WORDS and _LETTER_RE.search(sentence):
            return _cut(sentence, limit)
    return _cut(" ".join(text.split()), limit)


def _comparable(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", sentence.casefold()))


def _cut(sentence: str, limit: int) -> str:
    if len(sentence) <= limit:
        return sentence
    head = sentence[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:—-") + "…"


class OfflineSummarizer:
    """No network, no model download; never raises."""

    # Picklable and stateless: `App` may run `summarize` in its ingest worker processes.
    runs_in_workers = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "runs_in_workers" not in cls.__dict__:
            # A subclass may keep state (a counter, a cache) that a worker process would
            # keep instead of this one: it runs in the workers only if it says so itself.
            cls.runs_in_workers = False

    def __init__(self, *, max_bullets: int = 5) -> None:
        self.max_bullets = max_bullets

    def summarize(self, story: Story) -> Summary:
        return self.summary_from_quotes(story, extract_quotes(story.text))

    def summary_from_quotes(self, story: Story, quotes: Sequence[Quote]) -> Summary:
        """The gist and bullets of ``story`` over ``quotes`` (extracted, or saved by ingest)."""
        kept = tuple(quotes)
        bullets = make_bullets(kept, max_bullets=self.max_bullets, text=story.text)
        return Summary(gist=gist(story.text, title=story.title), quotes=kept, bullets=bullets)
