"""Model free text (a gist, a chat answer, a paraphrase) under the attribution rule.

`verify_model_text` is the one public check for "is every quotation in this model text
something the article, or the stored quotes, give verbatim to the person it is hung
on?". Quotations are found in every quotation-mark style Unicode has (“…”, „…“, «…»,
»…«, ‹…›, 「…」, 『…』, ❝…❞, 〝…〞, ＂…＂, '…', ‘…’), marks glued to letters
included (``said"…"``); an apostrophe inside a word (don't, Russia's) is not a mark.
The speaker a quotation is hung on is the caller's (a paraphrase's speaker) or the
name nearest it in its sentence ("Zelenskyy said “…” [1]"). A quotation that passes
stays as the article has it (with a negation its cut dropped put back); one that does
not loses its marks. ``TextCheck.ok`` says whether every quotation passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.domain import Quote, QuoteKind
from summarizer.people import People
from summarizer.quotes.lexicon import NON_NAME_CAPS, ROLE_WORDS
from summarizer.verify import Verifier

# Marks that open and close alike (the double family, brackets of East Asian text too):
# each one met toggles a quotation, so a mark glued to a letter still counts.
DOUBLE_MARKS = frozenset(
    '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\u301f\uff02'
    "\u300c\u300d\u300e\u300f\u275d\u275e\u2e42\U0001f676\U0001f677\U0001f678"
)
# Marks that double as apostrophes: a quotation only when not inside a word.
SINGLE_MARKS = frozenset("'`\u2018\u2019\u201a\u201b\u2032\u2039\u203a\uff07\u275b\u275c")
ALL_MARKS = DOUBLE_MARKS | SINGLE_MARKS
_REF_RE = re.compile(r"\[\d{1,3}\]")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z\[\u201c\"])|\n")
_NAME_TOKEN_RE = re.compile(r"[^\W\d_][\w.'\u2019-]*")
_ROLE = frozenset(w.lower() for w in ROLE_WORDS)
_JOIN_RE = re.compile(r"\s*(?:,|,?\s+(?:and|&|or|with|plus)\s+|/|;)\s*", re.IGNORECASE)
_NON_NAME = frozenset(w.lower() for w in NON_NAME_CAPS)


@dataclass(frozen=True, slots=True)
class Quotation:
    """One quoted stretch of free text: marks at ``open``/``close`` (None: never closed),
    the words between them at ``[start, end)``."""

    open: int
    start: int
    end: int
    close: int | None


def find_quotations(text: str) -> list[Quotation]:
    """Every quoted stretch of ``text``, in order; see the module docstring."""
    found: list[Quotation] = []
    double: int | None = None
    single: int | None = None
    last_single: int | None = None
    for i, ch in enumerate(text):
        if ch in DOUBLE_MARKS:
            if double is None:
                double = i
            else:
                found.append(Quotation(double, double + 1, i, i))
                double = None
                single = None  # a single quotation never outlives its double one
            continue
        if ch not in SINGLE_MARKS:
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue  # don't, Russia's
        if single is not None and not before.isspace():
            found.append(Quotation(single, single + 1, i, i))
            last_single = len(found) - 1
            single = None
        elif single is None and not after.isspace() and not before.isalnum():
            single = i
        elif single is None and not before.isspace() and last_single is not None:
            # the last closer was a plural possessive ("the workers' union"): the longer one
            prev = found[last_single]
            if prev.close is not None and text[prev.close - 1] in "sxzSXZ":
                found[last_single] = Quotation(prev.open, prev.start, i, i)
    if double is not None:  # never closed: it runs to its paragraph's end or a citation
        stop = text.find("\n", double)
        stop = len(text) if stop < 0 else stop
        ref = _REF_RE.search(text, double, stop)
        found.append(Quotation(double, double + 1, ref.start() if ref else stop, None))
    return sorted(found, key=lambda q: q.open)


def strip_quotation_marks(text: str) -> str:
    """``text`` without the marks of any quotation in it (apostrophes stay)."""
    drop = set()
    for q in find_quotations(text):
        drop.add(q.open)
        if q.close is not None:
            drop.add(q.close)
    return "".join(ch for i, ch in enumerate(text) if i not in drop)


@dataclass(frozen=True, slots=True)
class TextCheck:
    """``text`` as it may be shown: verified quotations kept, the others without marks."""

    text: str
    kept: int
    unquoted: int

    @property
    def ok(self) -> bool:
        """True when every quotation in the model's text passed."""
        return self.unquoted == 0


def verify_model_text(text: str, verifier: Verifier, *, speaker: str | None = None) -> TextCheck:
    """``text`` with every quotation checked against ``verifier``'s source under the
    attribution rule (`summarizer.verify`); ``speaker`` is who the whole text is about
    (a paraphrase), else each quotation's speaker is the name nearest it in its sentence.
    """
    out: list[str] = []
    at = 0
    kept = unquoted = 0
    for q in find_quotations(text):
        if q.open < at:
            continue  # inside a quotation already handled
        inner = text[q.start : q.end]
        who = speaker or claimed_speaker(text, q)
        judged = verifier.attribute(who, inner) if who else None
        out.append(text[at : q.open])
        if judged is not None and judged.quote is not None:
            kept += 1
            shown = judged.quote.text
            out.append(text[q.open] + shown + (text[q.close] if q.close is not None else ""))
        else:
            unquoted += 1
            out.append(strip_quotation_marks(inner))
        at = (q.close + 1) if q.close is not None else q.end
    out.append(text[at:])
    return TextCheck("".join(out), kept, unquoted)


def claimed_speaker(text: str, quotation: Quotation) -> str | None:
    """The name a sentence hangs ``quotation`` on: the nearest name run before it in its
    sentence, else the first after it ("“…,” Lavrov said")."""
    starts = [0, *(m.end() for m in _SENTENCE_END_RE.finditer(text, 0, quotation.open))]
    begin = starts[-1]
    after_close = quotation.close + 1 if quotation.close is not None else quotation.end
    end_match = _SENTENCE_END_RE.search(text, after_close)
    finish = end_match.start() if end_match else len(text)
    before = _name_runs(_outside_quotes(text, begin, quotation.open))
    if before:
        return before[-1]
    after = _name_runs(_outside_quotes(text, after_close, finish))
    return after[0] if after else None


def _outside_quotes(text: str, start: int, end: int) -> str:
    piece = text[start:end]
    return _REF_RE.sub(" ", _blank_quoted(piece))


def _blank_quoted(piece: str) -> str:
    """``piece`` with quoted words blanked: a name inside another quotation is not a speaker."""
    chars = list(piece)
    for q in find_quotations(piece):
        stop = q.close + 1 if q.close is not None else q.end
        for i in range(q.open, stop):
            chars[i] = " "
    return "".join(chars)


def _name_runs(piece: str) -> list[str]:
    """Runs of capitalised words (and the role words of descriptions) in ``piece``; runs
    joined by "and", "&", "or", "with" or a comma are one run ("Macron and Zelenskyy"),
    so that several people stay several people."""
    runs: list[tuple[int, int]] = []
    start = end = -1
    for m in _NAME_TOKEN_RE.finditer(piece):
        token = m.group().rstrip(".")
        bare = token.lower().removesuffix("'s").removesuffix("\u2019s")
        capital = token[:1].isupper() and bare not in _NON_NAME
        joined = start >= 0 and not piece[end : m.start()].strip()
        if joined and (capital or bare in _ROLE):
            end = m.start() + len(token)
            continue
        if start >= 0:
            runs.append((start, end))
            start = -1
        if capital:
            start, end = m.start(), m.start() + len(token)
    if start >= 0:
        runs.append((start, end))
    merged: list[tuple[int, int]] = []
    for run in runs:
        if merged and _JOIN_RE.fullmatch(piece[merged[-1][1] : run[0]]):
            merged[-1] = (merged[-1][0], run[1])
        else:
            merged.append(run)
    return [piece[s:e] for s, e in merged]


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
