"""Model free text checked against stored quotes: chat answers that cite them.

`verify_against_quotes` applies `summarizer.verify.verify_model_text` (the one check for
"is every quotation in this model text something the source gives verbatim to the
person it is hung on?") with the quotes a reply cites as its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.domain import Quote, QuoteKind
from summarizer.people import People
from summarizer.verify import TextCheck, Verifier, verify_model_text


class CitedQuote(Protocol):
    """What a stored quote cited in an answer offers (`Citation` has it)."""

    @property
    def speaker(self) -> str: ...
    @property
    def speaker_role(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> QuoteKind: ...


def quotes_verifier(cited: Sequence[CitedQuote]) -> Verifier:
    """A `Verifier` whose source is stored quotes: each one's words are its speaker's,
    quotable only when it is a direct or mixed quote (indirect speech is a paraphrase)."""
    parts: list[str] = []
    grounding: list[Quote] = []
    quoted: list[tuple[int, int]] = []
    at = 0
    for c in cited:
        body = " ".join(c.text.split())
        start, end = at, at + len(body)
        parts.append(body)
        at = end + 2
        grounding.append(
            Quote(body, start, end, c.kind, speaker=c.speaker, speaker_role=c.speaker_role)
        )
        if c.kind is not QuoteKind.INDIRECT:
            quoted.append((start, end))
    people = People.from_quotes((c.speaker, c.speaker_role) for c in cited)
    return Verifier("\n\n".join(parts), grounding, quoted=quoted, people=people)


def verify_against_quotes(text: str, cited: Iterable[CitedQuote]) -> TextCheck:
    """`verify_model_text` over stored quotes: for chat answers citing them."""
    return verify_model_text(text, quotes_verifier(list(cited)))
