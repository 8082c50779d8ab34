"""Words and where they are: the one word scanner every scan of a story shares.

A word keeps an abbreviation's dot ("Mr.", "N.Y.") and drops a sentence's; possessive
endings stay on the word and `Tok.bare` strips them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# word characters, plus the Latin-1 symbols mis-decoded UTF-8 leaves inside names ("PeÃ±a")
# (unrolled: a run of word characters, then any apostrophe or dot that joins another run)
_WORD_RE = re.compile(
    r"[^\W_][\w\-&\u0080-\u00bf]*(?:(?:[’'](?=\w)|\.(?=\w|-\w))[\w\-&\u0080-\u00bf]*)*"
    r"\.?[’']?s?"
)


class Tok(NamedTuple):
    """A word and where it is; a tuple, as thousands are made per story."""

    start: int
    end: int
    word: str

    @property
    def bare(self) -> str:
        """The word without a possessive ending or abbreviation dot."""
        w = self.word
        last = w[-1]
        if last == ".":
            if len(w) == 2 and w[0].isupper():
                return w  # an initial keeps its dot: "Harry M. Reid"
            return w.rstrip(".") or w
        if last in "s’'" and ("’" in w or "'" in w):
            for suffix in ("’s", "'s", "’", "'"):
                if w.endswith(suffix) and len(w) > len(suffix):
                    return w[: -len(suffix)]
        return w


def tokens(text: str, lo: int, hi: int) -> list[Tok]:
    out: list[Tok] = []
    add = out.append
    make = tuple.__new__  # skips NamedTuple's keyword handling: thousands per story
    find = text.find
    end = lo
    for word in _WORD_RE.findall(text, lo, hi):
        # no word starts between two matches, so the word's first occurrence is the match
        start = find(word, end)
        end = start + len(word)
        if word[-1] == "." and not _keeps_dot(word):
            if len(word) > 1:
                add(make(Tok, (start, end - 1, word[:-1])))
        else:
            add(make(Tok, (start, end, word)))
    return out


def _keeps_dot(word: str) -> bool:
    w = word[:-1].lower()
    return w in {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "st", "jr"} or (
        "." in w or len(w) == 1
    )
