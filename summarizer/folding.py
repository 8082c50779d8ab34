"""Text folded for matching a model's words against an article's: quotation marks,
apostrophes, dashes, ellipses, diacritics, case and whitespace, with a map back to the
original offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Marks that open and close alike (the double family, brackets of East Asian text too).
DOUBLE_MARKS = frozenset(
    '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\u301f\uff02'
    "\u300c\u300d\u300e\u300f\u275d\u275e\u2e42\U0001f676\U0001f677\U0001f678"
)
# Marks that double as apostrophes.
SINGLE_MARKS = frozenset("'`\u2018\u2019\u201a\u201b\u2032\u2039\u203a\uff07\u275b\u275c")
# Every quotation-mark class Unicode has, and apostrophes: all fold to '.
QUOTE_LIKE = DOUBLE_MARKS | SINGLE_MARKS
DASH_LIKE = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
WORD_RE = re.compile(r"[^\W_]+")

# Words that say nothing about who a speaker is.
STOP = frozenset(
    {"a", "an", "the", "of", "and", "or", "for", "in", "on", "at", "to", "by", "with", "from"}
    | {"mr", "mrs", "ms", "dr", "prof", "sir", "its", "their", "his", "her", "s"}
    | {"jr", "sr", "ii", "iii", "iv"}
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """``text`` normalised for matching; ``index[i]`` is the original index of ``text[i]``."""

    text: str
    index: tuple[int, ...]


def _fold(ch: str) -> str:
    if ch in QUOTE_LIKE:
        return "'"
    if ch in DASH_LIKE:
        return "-"
    if ch == "\u2026":
        return "..."
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (base or ch).lower()


def normalize(text: str) -> Normalized:
    """Fold quotes, dashes, ellipses, diacritics and case; collapse whitespace; keep a map back."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in INVISIBLE:
            continue
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            index.append(i)
            continue
        for piece in _fold(ch):
            out.append(piece)
            index.append(i)
    return Normalized("".join(out), tuple(index))


def fold_words(text: str) -> list[str]:
    """Folded word tokens of ``text``."""
    return WORD_RE.findall(normalize(text).text)


def significant(text: str) -> list[str]:
    """The folded words of ``text`` that say who someone is (no articles, honorifics)."""
    return [w for w in fold_words(text) if w not in STOP and len(w) > 1]
