"""Whom a definite description stands for when no earlier speaker carries its words.

News names someone once and then refers to them by what they are: "Jefferies analyst
Jonathan Matuszewski ... the analyst", "Jane Roe, a real estate agent, ... the agent",
"WeWork, the office-sharing company, ... the company". Three general facts of English
reference decide it here, none of them a list of cases:

* What the story calls an entity is more than its name: the title in front of the name
  ("real estate agent Jane Roe"), the apposition after it ("Acme, the software company"),
  and every description the story already used for it. A description whose words the
  entity was called by stands for it (`called_in_text`, and the resolver keeps adding
  the descriptions it resolves).
* A definite description whose head noun the story has not written before cannot stand
  for an unnamed referent the story introduced with that noun ("his doctor ... the
  doctor"): it is an epithet, a second way of naming a referent already salient
  (`new_noun`). For a person noun ("the actor", "the 42-year-old") that is the latest
  salient person; an unnamed-source noun ("the official", "the source") never is one, as
  news introduces such sources with the indefinite ("a senior official").
* The head says the referent's kind (`head_kind`): "the company", "the agency", "the
  utility" stand for an organisation, "the actor", "the patient" for a person; a
  description never stands for an entity of the other kind, and a plural one never for a
  single person.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from summarizer.quotes import roles
from summarizer.quotes.language import Language

_CONTENT_RE = re.compile(r"[A-Za-z][A-Za-z\-]*")
_MAX_PLACES = 8  # places a name is looked up at: what a story calls someone stays linear


def head_kind(head: str, lang: Language) -> str | None:
    """ "body" for an organisation's noun, "source" for an unnamed source's, "person" for
    any other noun naming what someone is, None for a plural or a word naming no one."""
    if head in lang.body_heads:
        return "body"
    if head in lang.anon_heads or head in lang.generic_heads:
        return "source"
    if head.endswith("s") and not head.endswith("ss"):
        return None  # "the doctors", "the physicians": a group, never one person
    return "person" if roles.is_role(lang, head) else None


def new_noun(text: str, head: str, start: int) -> bool:
    """Has the story not written ``head`` as a word before ``start`` (nor its plural, nor
    capitalised opening a sentence)?"""
    for word in (head, head[:1].upper() + head[1:]):
        at = text.rfind(word, 0, start)
        while at >= 0:
            end = at + len(word)
            if end < len(text) and text[end] == "s":
                end += 1
            if (at == 0 or not text[at - 1].isalpha()) and not text[end : end + 1].isalpha():
                return False
            at = text.rfind(word, 0, at)
    return True


class Called(NamedTuple):
    """What the story calls a named entity besides its name."""

    words: frozenset[str]  # every word of its titles and appositions
    heads: frozenset[str]  # their head nouns: "company" of "the record company"


NOT_CALLED = Called(frozenset(), frozenset())


def called_in_text(lang: Language, text: str, name: str) -> Called:
    """The titles and appositions the story gives ``name`` where it writes it in full
    ("Jefferies analyst", "the office-sharing company"), at its first few places."""
    if len(name) < 3:
        return NOT_CALLED
    found: set[str] = set()
    heads: set[str] = set()
    for role in roles.roles_at(lang, name, text, _MAX_PLACES):
        words = [w.lower() for w in _CONTENT_RE.findall(role)]
        found.update(words)
        heads.add(head(lang, role))
    return Called(frozenset(found), frozenset(heads))


def head(lang: Language, text: str) -> str:
    """The head noun of a description: its last word before a preposition or a relative
    clause ("company" of "the record company in Nashville")."""
    words = [w.lower() for w in _CONTENT_RE.findall(text)]
    for prep in lang.head_ends:
        if prep in words[1:]:
            words = words[: words.index(prep, 1)]
    return words[-1] if words else ""


def paragraph_before(text: str, pos: int) -> int:
    """Where the paragraph before the one holding ``pos`` starts (blank lines are no
    paragraphs); 0 in the story's first two."""
    k = text.rfind("\n", 0, pos)
    while k > 0 and text[k - 1] in "\n \t":
        k -= 1  # the blank lines between the two paragraphs
    return 0 if k <= 0 else text.rfind("\n", 0, k) + 1


# a capitalised name in running text: "Pacific Gas & Electric", "NASA’s", "Big Machine"
_NAME_RE = re.compile(
    r"(?<![\w’'])[A-Z][\w&’'\-]*(?:(?:[ \t]+(?:of|for|&|de))?[ \t]+[A-Z][\w&’'\-]*)*"
)
_POSSESSIVE = ("’s", "'s", "’", "'")
_SENTENCE_END = frozenset('.!?\n“"')


def names_before(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """The capitalised names written between ``lo`` and ``hi``, latest first, each with
    where it starts; a word opening a sentence is left out (any word may open one)."""
    found = []
    for m in _NAME_RE.finditer(text, lo, hi):
        k = m.start()
        while k > lo and text[k - 1] in " \t":
            k -= 1
        if k == 0 or text[k - 1] in _SENTENCE_END:
            continue
        name = m.group()
        for end in _POSSESSIVE:
            name = name.removesuffix(end)
        if name:
            found.append((m.start(), name))
    found.reverse()
    return found


_SENTENCE_START_RE = re.compile(r"[.!?][\u201d\u2019\"')]*\s+|\n")
_SENTENCE_REACH = 600


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts (after the last full stop, question or
    exclamation mark and space before it, or a line break), looking a few lines back."""
    lo = max(0, pos - _SENTENCE_REACH)
    start = lo
    for m in _SENTENCE_START_RE.finditer(text, lo, pos):
        start = m.end()
    return start
