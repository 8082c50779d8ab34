"""Quotations in free text (a gist, a chat answer, a paraphrase) and who they are hung on.

Quotations are found in every quotation-mark style Unicode has (“…”, „…“, «…»,
»…«, ‹…›, 「…」, 『…』, ❝…❞, 〝…〞, ＂…＂, '…', ‘…’), marks glued to letters
included (``said"…"``); an apostrophe inside a word (don't, Russia's) is not a mark.
The speaker a quotation is hung on is the name nearest it in its sentence
("Zelenskyy said “…” [1]"). Pure text functions: `summarizer.verify` checks what
they find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.folding import DOUBLE_MARKS, SINGLE_MARKS
from summarizer.quotes.language import ENGLISH

# Marks that open and close alike (`DOUBLE_MARKS`): each one met toggles a quotation, so
# a mark glued to a letter still counts. Marks that double as apostrophes
# (`SINGLE_MARKS`): a quotation only when not inside a word. One list of marks for the
# whole summarizer: `summarizer.folding` folds the same ones.
_REF_RE = re.compile(r"\[\d{1,3}\]")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z\[\u201c\"])|\n")
_NAME_TOKEN_RE = re.compile(r"[^\W\d_][\w.'\u2019-]*")
_ROLE = frozenset(w.lower() for w in ENGLISH.role_words)
_JOIN_RE = re.compile(r"\s*(?:,|,?\s+(?:and|&|or|with|plus)\s+|/|;)\s*", re.IGNORECASE)
_NON_NAME = frozenset(w.lower() for w in ENGLISH.non_name_caps)


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
