"""A story read for quotations: its text with one kind of space, its paired marks, its
sentences, and the small text tests every rule shares (where a sentence's subject
sits, what only joins two spans)."""

from __future__ import annotations

import re
from bisect import bisect_right

from summarizer.quotes.language import Language
from summarizer.quotes.marks import MarkSpan, pair_marks, sentence_bounds, structure_spans
from summarizer.quotes.names import Mention
from summarizer.quotes.words import Tok, tokens

_ODD_SPACES = "\u00a0\u2007\u2009\u202f\u2002\u2003"  # no-break, figure, thin, en, em
# marks no word can hold or look past: a scan may stop and restart at them
_CLEAN_OPENS = frozenset('\u201c\u201e"')
_CLEAN_CLOSES = frozenset(("\u201d", '"', "\n", "\u201c", "\u201e", ""))


class Story:
    """One story's text and structure, read once; the rules share it."""

    def __init__(self, text: str, lang: Language) -> None:
        # rules see one kind of space ("he\u00a0told"); quotes keep the story's own text,
        # and the offsets agree because the swap is one character for one
        self.original = text
        self.text = plain_spaces(text)
        self.marks = pair_marks(text)
        self.struct = structure_spans(text, self.marks)
        self.struct_starts = [m.open_at for m in self.struct]
        self.sents = sentence_bounds(text, self.struct, lang)
        # the ranker and the pronoun scan read the same sentences' words, quote after quote
        self._words_outside: dict[tuple[int, int], list[Tok]] = {}

    def in_quote(self, pos: int) -> bool:
        i = bisect_right(self.struct_starts, pos) - 1
        return i >= 0 and self.struct[i].open_at <= pos < self.struct[i].end

    def words_outside_quotes(self, s0: int, s1: int) -> list[Tok]:
        """The sentence's words that no quotation holds, without scanning the quoted words
        (most of a quoting sentence). Double marks and line ends part words as spaces do;
        where a sentence has other marks, its words are scanned whole and filtered. Each
        span is scanned once a story: the list returned is shared, not to be changed."""
        found = self._words_outside.get((s0, s1))
        if found is None:
            found = self._words_outside[s0, s1] = self._scan_outside_quotes(s0, s1)
        return found

    def _scan_outside_quotes(self, s0: int, s1: int) -> list[Tok]:
        text, struct = self.text, self.struct
        k = max(0, bisect_right(self.struct_starts, s0) - 1)
        out: list[Tok] = []
        pos = s0
        while k < len(struct) and struct[k].open_at < s1:
            q = struct[k]
            k += 1
            if q.end <= pos:
                continue
            if text[q.open_at] not in _CLEAN_OPENS or text[q.end : q.end + 1] not in _CLEAN_CLOSES:
                return [t for t in tokens(text, s0, s1) if not self.in_quote(t.start)]
            if q.open_at > pos:
                out.extend(tokens(text, pos, q.open_at))
            pos = q.end
        if pos < s1:
            out.extend(tokens(text, pos, s1))
        return out


def plain_spaces(text: str) -> str:
    """Every odd space read as a space; ``str.replace`` per space present, as
    ``str.translate`` looks up each of the story's characters in a dict."""
    for space in _ODD_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


SENT_END_RE = re.compile(r"[.!?…]")
PREV_WORD_RE = re.compile(r"([\w’'\-]+)[\s,]*\Z")
NEXT_WORD_RE = re.compile(r"[\s,]*([\w’'\-]+)")
# a subject's verb comes next, maybe after a parenthesis or an apposition
VERB_NEXT_RE = re.compile(
    r"(?:\s*\([^()\n]{1,24}\))?(?:,[^,\n]{1,160},)?\s+(?:also\s+|later\s+|then\s+)?[a-z]+\b"
)
# sentence openers to skip before looking for the subject
# a dateline: "PHILADELPHIA, July 25 (UPI) — ", "Washington (AFP) – ", "PORTLAND, Ore. - "
_DATELINE = (
    r"(?:(?:[A-Z][A-Z.’'\-]+(?: [A-Z][A-Z.’'\-]+){0,3}|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?= \())"
    r"(?:, [A-Z][a-z]{1,8}\.?(?: [A-Z][a-z]+\.?)?)?(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: \([A-Za-z]{2,12}\))? [—–-] (?=[A-Z]))"
)
DATELINE_RE = re.compile(_DATELINE)
LEAD_RE = re.compile(
    _DATELINE + "?"
    r"(?:(?:But|And|So|Yet|Still|Now|Meanwhile|However|Instead|Then)\b,?\s*)?"
    r"(?:(?:In|At|On|During|After|Before|When|While|Asked|Speaking|Since|Last|Earlier|"
    r"Later|On|As|Like|Unlike|Despite|Following|With|Over|Under|Hours|Days|Weeks|Months|Minutes|"
    r"This|That|Two|Three|A day|A week|[A-Z][a-z]+ing|[A-Z][a-z]{3,}ly)\b"
    r"[^,\u201c\u201d\"]{0,120},\s*(?:\d{4},\s*)?)?"  # "On July 6, 2015, "
)
_GLUE_RE = re.compile(r"[\s,—–\-:]*\Z")


def only_glue(s: str) -> bool:
    return _GLUE_RE.match(s) is not None


def overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def near_start(text: str, s0: int, pos: int) -> bool:
    """Is ``pos`` the sentence's subject position (after an opener and a lead clause)?"""
    start = skip_space(text, s0)
    head = LEAD_RE.match(text, start, pos + 1)
    if head is not None and head.end() <= pos:
        start = head.end()
    return pos - start <= 2


def skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\u00a0":
        pos += 1
    return pos


_STRIP = " \t\n\u00a0,;:—–-"


def strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _STRIP:
        s += 1
    while e > s and (text[e - 1] in _STRIP or (text[e - 1] in '.\u201d"' and e - 1 > s)):
        e -= 1
    return s, e


def word_count(text: str, q: MarkSpan) -> int:
    return len(text[q.start : q.end].split())
