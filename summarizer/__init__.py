"""Who-said-what: quote extraction and attribution, offline and deterministic.

``extract_quotes(text)`` is the entry point; everything else in this package
(bullets, the offline summarizer, evaluation, the CLI) is built on it.
"""

from __future__ import annotations

from bot.domain import Quote, QuoteKind
from summarizer.quotes.extract import extract
from summarizer.quotes.marks import pair_marks

__all__ = ["extract_quotes"]


def extract_quotes(text: str) -> list[Quote]:
    """Every direct, mixed and indirect attribution in ``text``, sorted by start.

    Never raises: a story is user-supplied text, and a bug in one rule must not
    cost the briefing its quotes, so on an internal error the bare quotations
    (marks only, no speakers) come back instead.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return extract(text)
    except Exception:  # the fallback is the documented contract
        return _bare_quotes(text)


def _bare_quotes(text: str) -> list[Quote]:
    out = []
    for m in pair_marks(text):
        s, e = m.start, m.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Quote(text[s:e], s, e, QuoteKind.DIRECT, confidence=0.1))
    return out
