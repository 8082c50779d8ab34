"""Whom a definite description stands for, as the article itself says it.

The offline extractor sometimes leaves a quotation's speaker a description ("the
spokesperson", "the man") where the article has named that person earlier. A model that
names them ("Jane Doe") is right only if the article links that name to that
description: a name mentioned nearby is no link. The links counted are the article's
own, each before the description's mention (a definite description points back):

- an apposition after a name: "Jane Doe, the company's spokesperson,";
- an apposition before one, closed by punctuation: "her former label, Big Machine,";
- a title right before one: "company spokesperson Jane Doe";
- the description's own first, indefinite mention: "a 43-year-old man" for "the man".

The link must hold the description's head noun and every other content word of it, and
be the only one: when the article gives the description to two people (two
spokespeople), it names neither. Indefinite descriptions ("a spokesperson") introduce
someone new and are never linked; pronouns are not descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.folding import fold_words, significant
from summarizer.quotes.language import ENGLISH

# a word; a dot only inside one ("U.S."), so that "spokesperson." ends before its period
_TOKEN_RE = re.compile(r"[^\W_](?:[\w'\u2019-]|\.(?=\w))*")
_DEFINITE = frozenset({"the", "this", "that"})
# what opens a noun phrase that may describe someone
_OPENERS = frozenset({"a", "an", "the", "his", "her", "its", "their", "our"})
_INDEFINITE = frozenset({"a", "an"})
# a noun phrase's head comes before these ("the spokesman for the agency")
_PREPOSITIONS = frozenset({"of", "for", "at", "in", "from", "with", "on", "to", "who", "that"})
# small words inside one name ("Doctors for Camp Closure", "Van Der Beek")
_NAME_GLUE = frozenset({"of", "for", "and", "the", "de", "van", "der", "von", "&"})
_NOT_NAMES = frozenset(w.lower() for w in ENGLISH.non_name_caps | ENGLISH.days | ENGLISH.pronouns)
# a closed apposition: the name is followed by punctuation, not by its verb
_CLOSES = ",.;:)\u2014\u2013\n"
_MAX_PHRASE = 8  # words of a describing phrase, opener included


@dataclass(frozen=True, slots=True)
class Link:
    """A name the article gives a description to: ``name`` as written, ``phrase`` the
    words that describe them there ("the company's spokesperson")."""

    name: str
    phrase: str
    end: int  # where the link ends in the article
    name_words: tuple[str, ...]
    words: frozenset[str]  # what a model may name them with: the name's and the phrase's


def _link(name: str, phrase: str, end: int) -> Link:
    named = tuple(significant(name))
    return Link(name, phrase, end, named, frozenset(named) | frozenset(significant(phrase)))


def definite_description(name: str) -> list[str] | None:
    """The folded words of ``name`` after its article when it is a definite description
    of common nouns ("the company", "the company's spokesperson"); None for a name, a
    pronoun or an indefinite description."""
    tokens = name.split()
    if len(tokens) < 2 or tokens[0].lower() not in _DEFINITE:
        return None
    if any(t[:1].isupper() for t in tokens[1:]):
        return None
    words = fold_words(" ".join(tokens[1:]))
    return words or None


def head_of(words: list[str]) -> str:
    """The head noun of a description's words: the last before a preposition."""
    for i, word in enumerate(words[1:], 1):
        if word in _PREPOSITIONS:
            return words[i - 1]
    return words[-1]


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    text: str
    word: str  # lower case, up to an apostrophe ("company's": "company")


_WORD_RE = re.compile(r"[^\W_]+")


class Descriptions:
    """The links of one article, found on demand: its words are listed once, and each
    description's links once (a model's claims ask again and again)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens: list[_Tok] | None = None
        self._at: dict[str, list[int]] = {}  # word -> indexes of its tokens
        self._links: dict[str, list[Link]] = {}

    def _index(self) -> list[_Tok]:
        if self._tokens is None:
            self._tokens = []
            for m in _TOKEN_RE.finditer(self.text):
                word = _WORD_RE.match(m.group().lower())
                tok = _Tok(m.start(), m.end(), m.group(), word.group() if word else "")
                self._at.setdefault(tok.word, []).append(len(self._tokens))
                self._tokens.append(tok)
        return self._tokens

    def links(self, description: str, before: int) -> list[Link]:
        """Every link the article makes, ending before offset ``before``, from a name
        (or an indefinite description) to the definite ``description``; [] when
        ``description`` is not a definite description."""
        if description not in self._links:
            self._links[description] = self._find(description)
        return [f for f in self._links[description] if f.end <= before]

    def _find(self, description: str) -> list[Link]:
        """Every link to ``description`` in the article, in text order: once for each
        description, however many quotations ask."""
        words = definite_description(description)
        if words is None:
            return []
        head = head_of(words)
        need = set(significant(" ".join(words))) | {head}
        text, tokens = self.text, self._index()
        found: list[Link] = []
        for i in self._at.get(head, []):
            if not tokens[i].text[:1].islower():
                continue
            opener = _opener(text, tokens, i, need)
            phrase = text[tokens[opener].start : tokens[i].end]
            if need <= set(significant(phrase)) | {head}:
                found.extend(_linked(text, tokens, opener, i, phrase))
        return found

    def linked_name(self, description: str, before: int, speaker: str) -> Link | None:
        """The article's link for ``speaker`` (a model's name) to ``description`` (the
        extractor's speaker, mentioned at ``before``): when the article links that
        description to exactly one name, and ``speaker`` names it, in the article's
        words."""
        found = self.links(description, before)
        if not found:
            return None
        first = found[0]
        name = first.name_words
        if any(not _same(name, other.name_words) for other in found[1:]):
            return None  # the article gives the description to two people
        said = significant(speaker)
        if not said or not name or said[-1] != name[-1]:
            return None
        return first if set(said) <= set().union(*(f.words for f in found)) else None


def _opener(text: str, tokens: list[_Tok], i: int, need: set[str]) -> int:
    """Where the noun phrase whose head is ``tokens[i]`` starts: at an opener ("the",
    "a", "her") a few lower-case words back with no punctuation between; else the run of
    the description's own words before the head (a title: "company spokesperson")."""
    j = i
    while j > 0 and i - j < _MAX_PHRASE - 1:
        prev = tokens[j - 1]
        if text[prev.end : tokens[j].start].strip() or (
            prev.text[:1].isupper() and prev.word not in _OPENERS
        ):
            break
        if prev.word in _OPENERS:
            return j - 1
        j -= 1
    j = i
    while j > 0 and not text[tokens[j - 1].end : tokens[j].start].strip():
        if tokens[j - 1].word not in need or not tokens[j - 1].text[:1].islower():
            break
        j -= 1
    return j


def _linked(text: str, tokens: list[_Tok], opener: int, i: int, phrase: str) -> list[Link]:
    """The links the noun phrase ``tokens[opener:i + 1]`` (``phrase``) makes."""
    found: list[Link] = []
    first = tokens[opener].word
    described = first in _OPENERS
    gap_before = text[tokens[opener - 1].end : tokens[opener].start] if opener else ""
    if described and opener > 0 and gap_before.strip() == ",":
        name = _name_ending(text, tokens, opener - 1)
        if name is not None:
            found.append(_link(name, phrase, tokens[i].end))  # "Jane Doe, the company's ..."
    if i + 1 < len(tokens):
        gap_after = text[tokens[i].end : tokens[i + 1].start]
        if described and gap_after.strip() == ",":
            name, end = _name_starting(text, tokens, i + 1)
            if name is not None and text[end : end + 1] in _CLOSES:
                found.append(_link(name, phrase, end))  # "her former label, Big Machine,"
        elif not gap_after.strip() and first not in _INDEFINITE:
            name, end = _name_starting(text, tokens, i + 1)
            if name is not None:
                found.append(_link(name, phrase, end))  # "company spokesperson Jane Doe"
    if first in _INDEFINITE and not found and opener < i:
        # "a 58-year-old man": the description's own first mention
        found.append(_link(text[tokens[opener + 1].start : tokens[i].end], phrase, tokens[i].end))
    return found


def _is_name_word(tok: _Tok) -> bool:
    return tok.text[:1].isupper() and tok.word not in _NOT_NAMES


def _name_ending(text: str, tokens: list[_Tok], k: int) -> str | None:
    """The capitalised name ending at ``tokens[k]``, or None."""
    if not _is_name_word(tokens[k]):
        return None
    j = k
    while j > 0 and not text[tokens[j - 1].end : tokens[j].start].strip():
        prev = tokens[j - 1]
        glued = (
            prev.word in _NAME_GLUE
            and j > 1
            and not text[tokens[j - 2].end : prev.start].strip()
            and _is_name_word(tokens[j - 2])
        )
        if not (_is_name_word(prev) or glued):
            break
        j -= 1
    return text[tokens[j].start : tokens[k].end]


def _name_starting(text: str, tokens: list[_Tok], k: int) -> tuple[str | None, int]:
    """The capitalised name starting at ``tokens[k]`` and where it ends, or (None, 0)."""
    if not _is_name_word(tokens[k]):
        return None, 0
    j = k
    while j + 1 < len(tokens) and not text[tokens[j].end : tokens[j + 1].start].strip():
        nxt = tokens[j + 1]
        if _is_name_word(nxt) or (
            nxt.word in _NAME_GLUE and j + 2 < len(tokens) and _is_name_word(tokens[j + 2])
        ):
            j += 1
            continue
        break
    end = tokens[j].end
    name = text[tokens[k].start : end]
    return name.removesuffix("\u2019s").removesuffix("'s"), end


def _same(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """True when the name words of two links are one name: equal, or one the other's
    last words ("Doe" and "Jane Doe")."""
    short, long = sorted((x, y), key=len)
    return bool(short) and long[-len(short) :] == short
