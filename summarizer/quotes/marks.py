"""Quotation-mark pairing and quote-aware sentence splitting.

Pairing follows the convention the gold annotations were built with: curly
opening marks open, curly closing marks close, a straight mark does either,
and an unclosed quote ends with its paragraph. Everything here is one linear
pass over the mark positions, so hostile input (thousands of marks) stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.quotes.language import Language

OPEN = "\u201c\u00ab\u201e"
CLOSE = "\u201d\u00bb"
STRAIGHT = '"'
_MARK_RE = re.compile('[\u201c\u00ab\u201e\u201d\u00bb"\n]')


@dataclass(frozen=True, slots=True)
class MarkSpan:
    """One pair of quotation marks: ``start``/``end`` bound the words inside."""

    open_at: int  # index of the opening mark
    start: int
    end: int
    closed: bool  # False when the paragraph (or a new opening mark) cut it off

    @property
    def after(self) -> int:
        """Just past the closing mark (``end`` when there is none)."""
        return self.end + 1 if self.closed else self.end


_APOS_RE = re.compile(r"''|\n")


def pair_apostrophe_quotes(text: str) -> list[MarkSpan]:
    """``''...''`` pairs (a typewriter convention some wires use), within a paragraph.

    Only for sentence structure: the gold convention, and so ``pair_marks``, does not
    count them as quotation marks.
    """
    spans: list[MarkSpan] = []
    if "''" not in text:
        return spans  # most stories: no need to walk their line ends
    open_at = -1
    for m in _APOS_RE.finditer(text):
        i = m.start()
        if text[i] == "\n":
            open_at = -1
        elif open_at < 0:
            open_at = i
        else:
            if i > open_at + 2:
                spans.append(MarkSpan(open_at, open_at + 2, i, True))
            open_at = -1
    return spans


def structure_spans(text: str, marks: list[MarkSpan]) -> list[MarkSpan]:
    """``marks`` plus the ``''...''`` pairs that overlap none of them, in order."""
    extra = pair_apostrophe_quotes(text)
    if not extra:
        return marks
    out: list[MarkSpan] = []
    i = j = 0
    while i < len(marks) or j < len(extra):
        if j >= len(extra) or (i < len(marks) and marks[i].open_at <= extra[j].open_at):
            out.append(marks[i])
            i += 1
        else:
            e = extra[j]
            j += 1
            clear_before = not out or out[-1].end < e.open_at
            if clear_before and (i >= len(marks) or e.end < marks[i].open_at):
                out.append(e)
    return out


_FEET_INCHES_RE = re.compile(r"\d['\u2019]\d{1,2}\Z")


def _used_as_close(text: str, i: int) -> bool:
    return i > 0 and text[i - 1] in ",.?!" and (i + 1 == len(text) or text[i + 1] in " \n\t\u00a0")


def _is_markup_value(text: str, open_at: int) -> bool:
    # tweet embeds and HTML attributes (id="123") are not speech; nor is what follows the
    # mark that closes an attribute value ('date="May 9, 2016\n">Tweet text</tweet>')
    return (open_at > 0 and text[open_at - 1] == "=") or text.startswith(">", open_at + 1)


def pair_marks(text: str) -> list[MarkSpan]:
    """Every quotation-mark pair in ``text``, in order; markup attribute values excluded."""
    spans: list[MarkSpan] = []
    open_at = -1
    for m in _MARK_RE.finditer(text):
        i = m.start()
        ch = text[i]
        if (
            ch == STRAIGHT
            and text[i - 1 : i].isdigit()
            and _FEET_INCHES_RE.search(text, max(0, i - 5), i)
        ):
            continue  # 'Trump is 6\'3" tall': an inch mark
        if ch == "\n":
            if open_at >= 0 and i - open_at > 2:
                spans.append(MarkSpan(open_at, open_at + 1, i, False))
            open_at = -1
        elif open_at < 0:
            if ch in OPEN or ch == STRAIGHT:
                open_at = i
        elif ch in OPEN:
            if _used_as_close(text, i):
                # ',“ said Jim Clyburn': a typo'd closing mark
                spans.append(MarkSpan(open_at, open_at + 1, i, True))
                open_at = -1
                continue
            # a new opening mark: the previous one never closed
            spans.append(MarkSpan(open_at, open_at + 1, i, False))
            open_at = i
        else:
            if i > open_at + 1:
                spans.append(MarkSpan(open_at, open_at + 1, i, True))
            open_at = -1
    if open_at >= 0 and len(text) - open_at > 2:
        spans.append(MarkSpan(open_at, open_at + 1, len(text), False))
    return [s for s in spans if not _is_markup_value(text, s.open_at) and _has_word(text, s)]


_WORD_RE = re.compile(r"\w")


def _has_word(text: str, span: MarkSpan) -> bool:
    return _WORD_RE.search(text, span.start, span.end) is not None


# Sentence ends, "[.!?…]+ closers? spaces (?=Capital)" or "\n+", written to open with one
# character class: the regex engine then skips to candidate characters at C speed
# instead of trying both branches at every position (four times faster).
_BOUNDARY_RE = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[\"\u201d\u2019')\]]*\s+(?=(?:''|[\"\u201c\u2018(\[])?[A-Z0-9])"
    r"|(?<=\n)\n*)"
)
_LAST_WORD_RE = re.compile(r"([\w.]+)\.$")


def sentence_bounds(text: str, spans: list[MarkSpan], lang: Language) -> list[tuple[int, int]]:
    """Sentences as (start, end); never cut inside a quotation or after an abbreviation of
    ``lang``."""
    inside = _inside_quote_checker(spans)
    tag_after = _attribution_after(lang)
    abbreviations = lang.abbreviations
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        cut = m.start()
        if text[cut] != "\n" and inside(cut) and "\n" in m.group():
            cut = text.index("\n", cut)  # '...all bets are off.'"\n\n: the paragraph still ends
        if text[cut] != "\n":
            if inside(cut) or (
                "\n" not in m.group() and _attribution_follows(text, m.end(), tag_after)
            ):
                continue
            word = _LAST_WORD_RE.search(text, max(0, cut - 12), cut + 1)
            if word and _is_abbreviation(word.group(1), abbreviations) and "\n" not in m.group():
                continue  # "p.m.", "U.S." end a sentence only at a paragraph break
        end = m.start() if text[cut] == "\n" else m.end()
        if end > start:
            bounds.append((start, end))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    if any(e - s > MAX_SENTENCE for s, e in bounds):
        bounds = [piece for s, e in bounds for piece in _split_long(text, s, e)]
    return bounds


MAX_SENTENCE = 1500  # longer "sentences" (no punctuation, marks run amok) are cut up
_SPACE_RE = re.compile(r"\s")


def _split_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cut a run-on stretch at whitespace so that per-sentence work stays bounded."""
    out = []
    while e - s > MAX_SENTENCE:
        cut = s + MAX_SENTENCE
        back = text.rfind(" ", s + MAX_SENTENCE // 2, cut)
        if back > s:
            cut = back
        else:
            space = _SPACE_RE.search(text, s + MAX_SENTENCE // 2, cut)
            cut = space.start() if space else cut
        out.append((s, cut))
        s = cut
    out.append((s, e))
    return out


@cache
def _attribution_after(lang: Language) -> re.Pattern[str]:
    """A speaker tag with one of ``lang``'s speech verbs, as it follows a closing mark."""
    verbs = "|".join(sorted(lang.speech_verbs, key=len, reverse=True))
    # "?” Pence said", "!” said Sen. Chuck Schumer (D-N.Y.)", "” the official added"
    name = (
        r"(?:(?!(?:He|She|They|We|I|It|You)\b)[A-Z][\w’'\-]*\.?"
        r"|\([\w.\-]+\)|of|the|and|[a-z]+(?=\s+[A-Z]))"
    )
    return re.compile(
        r"(?:(?:" + name + r"\s+){1,6}(?:also\s+|later\s+|then\s+)?(?:" + verbs + r")"
        r"(?:\s+(?!that\b)[\w’'\-]+){0,3}\s*[.,;:]"
        r"|(?:" + verbs + r")\s+[A-Z\w])"
    )


def _attribution_follows(text: str, pos: int, tag_after: re.Pattern[str]) -> bool:
    """Does a speaker tag start at ``pos``, right after a quotation closed a sentence?"""
    back = text[max(0, pos - 4) : pos].rstrip()
    if not back or back[-1] not in '\u201d"':
        return False
    return tag_after.match(text, pos) is not None


def _is_abbreviation(word: str, abbreviations: frozenset[str]) -> bool:
    w = word.lower()
    if w in abbreviations:
        return True
    # single initials ("George W. Bush") and dotted acronyms ("D.C.")
    return len(w) == 1 or (len(w) <= 5 and "." in w and w.replace(".", "").isalpha())


def _inside_quote_checker(spans: list[MarkSpan]) -> _Inside:
    return _Inside(spans)


class _Inside:
    """Is a position strictly inside a quotation? Queries come in increasing order."""

    def __init__(self, spans: list[MarkSpan]) -> None:
        self._spans = spans
        self._i = 0

    def __call__(self, pos: int) -> bool:
        spans = self._spans
        while self._i < len(spans) and spans[self._i].end <= pos:
            self._i += 1
        return self._i < len(spans) and spans[self._i].start <= pos < spans[self._i].end - 1
