"""Which speaker names in one story are the same person (or organisation).

A story calls one person "Luz Contreras Arroyo", then "Contreras Arroyo", then
"Dr. Contreras Arroyo"; an agency is "the Drug Enforcement Administration" and
then "DEA"; a name is spelt "Zelenskyy" once and "Zelensky" the next time. A
briefing shows one bullet per person, so the names are grouped here and each
group is shown under its fullest name. A short name joins a longer one only when
it fits exactly one of the story's longer names ("Trump" with "Donald Trump",
but not when "Melania Trump" is quoted too). Pure functions, no state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from summarizer.quotes.language import ENGLISH, words

_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
_CONNECTORS = frozenset({"of", "the", "and", "for", "on", "in", "at", "&"})
_HONORIFICS = frozenset(t.lower().rstrip(".") for t in ENGLISH.honorifics)
# titles that lead a person's name ("Foreign Minister Sergey Lavrov", "Gov. Kristi Noem")
_LEADING_TITLES = words(
    """president vice minister secretary senator sen rep representative gov governor mayor
    gen general chairman chairwoman chief director spokesman spokeswoman spokesperson
    ambassador judge justice professor prof commissioner chancellor pope rev reverend lt
    col sgt capt adm former prime deputy administrator foreign defense attorney
    congressman congresswoman superintendent sheriff coach ceo cfo coo dr mr mrs ms"""
)


def split_title(name: str) -> tuple[str, str | None]:
    """A title written into a name, taken out: "NASA Administrator Jim Bridenstine" →
    ("Jim Bridenstine", "NASA Administrator"); a name without one is left whole. The
    name keeps at least two words, so "President Trump" stays as it is."""
    words = name.split()
    cut = 0
    for i, word in enumerate(words[:-2], 1):
        if not word[:1].isupper():
            return name, None
        if word.lower().rstrip(".") in _LEADING_TITLES:
            cut = i
    if cut == 0 or not all(w[:1].isupper() for w in words[cut:]):
        return name, None
    return " ".join(words[cut:]), " ".join(words[:cut])


_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def name_key(name: str) -> tuple[str, ...]:
    """The words that identify a name: lower-cased, without honorifics, titles and a
    possessive ("Dr. Owen Dempsey's" → ("owen", "dempsey"))."""
    words = []
    for tok in _TOKEN.findall(name or ""):
        low = tok.lower().rstrip(".")
        for suffix in ("'s", "’s"):
            low = low.removesuffix(suffix)
        low = low.strip("'’.-")
        if low and low not in _HONORIFICS and low not in _CONNECTORS:
            words.append(low)
    while len(words) > 1 and words[0] in _LEADING_TITLES:
        words.pop(0)  # "Administrator Jim Bridenstine" is Jim Bridenstine
    return tuple(words)


def looks_like_name(name: str) -> bool:
    """A proper name rather than a description ("Owen Dempsey", "NASA"; not "the
    doctors", "his team"): every word that identifies it is capitalised."""
    toks = [t for t in _TOKEN.findall(name or "") if t.lower() not in _CONNECTORS]
    return bool(toks) and all(t[:1].isupper() for t in toks) and bool(name_key(name))


def same_person(short: str, full: str) -> bool:
    """Whether ``short`` can name the one who is ``full`` in the same story."""
    a, b = name_key(short), name_key(full)
    if not a or not b:
        return False
    if a == b:
        return True
    if not (looks_like_name(short) and looks_like_name(full)):
        return False
    if _is_acronym_of(short, full) or _is_acronym_of(full, short):
        return True
    if len(a) > len(b):
        return False
    if len(a) == len(b):
        return all(_token_match(x, y) for x, y in zip(a, b, strict=True))
    # a shorter name: its words in order among the full name's, ending on the surname
    # ("Contreras Arroyo", "Van Der Beek", "Trump"), or the first name alone ("Taylor")
    if _token_match(a[-1], b[-1]) and _in_order(a, b):
        return True
    return len(a) == 1 and _token_match(a[0], b[0])


def group_names(names: Iterable[str]) -> dict[str, str]:
    """Each name → the fullest name of its person. Names are taken fullest first; a
    shorter one joins the single group it fits, and stays apart when it fits several."""
    unique = sorted(set(names), key=lambda n: (-len(name_key(n)), -len(n), n))
    canon: dict[str, str] = {}
    heads: list[str] = []
    for name in unique:
        fits = [h for h in heads if same_person(name, h)]
        if len({canon[h] for h in fits}) == 1:
            canon[name] = canon[fits[0]]
        else:
            canon[name] = name
        heads.append(name)
    return canon


def _token_match(x: str, y: str) -> bool:
    """Equal, or a spelling variant of a long word ("zelenskyy" / "zelensky")."""
    if x == y:
        return True
    shorter = min(len(x), len(y))
    if shorter < 5 or x[0] != y[0]:
        return False
    return _edit_distance(x, y, limit=2) <= (1 if shorter < 8 else 2)


def _in_order(part: Sequence[str], whole: Sequence[str]) -> bool:
    i = 0
    for tok in whole:
        if i < len(part) and _token_match(part[i], tok):
            i += 1
    return i == len(part)


def _is_acronym_of(short: str, full: str) -> bool:
    """ "DEA" for "Drug Enforcement Administration", "CBP" for "Customs and Border
    Protection": the initials of the full name's capitalised words."""
    word = short.strip()
    if not _ACRONYM.match(word):
        return False
    initials = "".join(
        t[0] for t in _TOKEN.findall(full) if t[:1].isupper() and t.lower() not in _CONNECTORS
    )
    return initials == word


def _edit_distance(x: str, y: str, *, limit: int) -> int:
    if abs(len(x) - len(y)) > limit:
        return limit + 1
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        cur = [i]
        for j, cy in enumerate(y, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
        prev = cur
    return prev[-1]
