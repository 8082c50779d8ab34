"""The article's own phrase for a speaker at one of the extractor's mentions of them.

The extractor's mention of a speaker is sometimes shorter than the phrase the article
writes there: "Former royal [PR aides] called it ...", "Christian Rev. [Derek Penwell]
said", "[Army Capt]. Christian Pardo", "[Judicial] Watch stated", or it holds a person
before the organisation the extractor resolved ("[Cameron Easley for Morning Consult]",
resolved as "Morning Consult"). A model naming the speaker by that whole phrase, or by
the person at the head of such a mention, names the same speaker: the article wrote
those words there, for that speaker.

Only these phrases count, word for word (`summarizer.folding.significant`):

- the mention grown leftwards over the words written right before it (no punctuation
  between, no verb of saying, article, pronoun, connector or conjunction): modifiers
  and titles ("Former royal", "Christian Rev.");
- the mention grown rightwards over capitalised words right after it (a name the
  extractor cut short: "Watch", ". Christian Pardo" after "Capt");
- the two or more capitalised words opening a mention, up to a preposition inside it,
  where what follows the preposition is exactly the name the extractor resolved
  ("Cameron Easley" of "Cameron Easley for Morning Consult"; not "Donald Trump" of
  "Donald Trump for President spokesman Jason Miller"), and no other speaker's name.

A word of another speaker's name never joins the phrase ("Christie Slams Hillary
Clinton" names neither), and a model's words that are not exactly one of these phrases
name nobody here. Pure functions over the text; `summarizer.verify` calls them.
"""

from __future__ import annotations

from collections.abc import Iterable

from summarizer.folding import significant
from summarizer.quotes.language import ENGLISH, words
from summarizer.quotes.names import is_cap
from summarizer.quotes.words import Tok, tokens

_MAX_LEFT = 4
_MAX_RIGHT = 3
_WINDOW = 120
# Words that end a phrase growing leftwards: what sits there is a clause, not a modifier.
_NOT_MODIFIERS = (
    ENGLISH.speech_verbs
    | ENGLISH.opinion_verbs
    | ENGLISH.participles
    | ENGLISH.aux
    | ENGLISH.connectors
    | ENGLISH.determiners
    | ENGLISH.relative_pronouns
    | ENGLISH.pronouns
    | ENGLISH.possessive_determiners
    | words("and or but nor than as by not no so then")
)
_PREPOSITIONS = words("for of at on with from")
# Titles written with a dot inside a name: "Army Capt. Christian Pardo", "Del. Stacey Plaskett".
_ABBREVIATIONS = frozenset(w.rstrip(".") for w in ENGLISH.titles) | words(
    "del capt sgt cmdr maj brig cpl pvt det insp supt fr sr jr st"
)


def names_speaker_at(
    text: str,
    mention: tuple[int, int],
    speaker: str,
    *,
    name: Iterable[str] = (),
    own: Iterable[str] = (),
    others: Iterable[str] = (),
) -> bool:
    """True when ``speaker`` (a model's words) is the article's phrase for the speaker at
    ``mention`` (offsets into ``text``). ``name``: the words of the extractor's resolved
    name for them; ``own``: every word the article gives them (titles, roles);
    ``others``: the words of other speakers' names."""
    said = significant(speaker)
    start, end = mention
    if not said or start >= end:
        return False
    toks = tokens(text, max(0, start - _WINDOW), min(len(text), end + _WINDOW // 2))
    inside = [i for i, t in enumerate(toks) if t.start < end and start < t.end]
    if not inside:
        return False
    first, last = inside[0], inside[-1]
    if first == last and toks[first].bare in ENGLISH.pronouns:
        return False  # "he": the article's phrase there names nobody by itself
    left = first
    while (
        first - left < _MAX_LEFT
        and left > 0
        and _joined(text, toks[left - 1], toks[left])
        and _modifier(toks[left - 1])
    ):
        left -= 1
    right = last
    while (
        right - last < _MAX_RIGHT
        and right + 1 < len(toks)
        and _joined(text, toks[right], toks[right + 1])
        and _name_word(toks[right + 1])
    ):
        right += 1
    # the mention itself is not one of them: `Verifier` judges it on its own
    runs = [
        (i, j)
        for i in range(left, first + 1)
        for j in range(last, right + 1)
        if (i, j) != (first, last)
    ]
    foreign = frozenset(others) - frozenset(own)
    for i, j in runs:
        added = toks[i:first] + toks[last + 1 : j + 1]
        if significant(text[toks[i].start : toks[j].end]) == said and not _any_in(added, foreign):
            return True
    # the head of "Cameron Easley for Morning Consult": only where the extractor resolved
    # exactly what follows the preposition ("Donald Trump for President spokesman Jason
    # Miller" is Miller's mention; "Donald Trump" heads nothing of his)
    for k in range(first + 1, last):
        head = toks[first : k + 1]
        if (
            toks[k + 1].word in _PREPOSITIONS
            and all(is_cap(ENGLISH, t.bare) for t in head)
            and set(significant(text[toks[k + 2].start : toks[last].end])) == set(name)
            and significant(text[toks[first].start : toks[k].end]) == said
            and not _any_in(head, frozenset(others))
        ):
            return True
    return False


def _any_in(toks: list[Tok], words: frozenset[str]) -> bool:
    return any(w in words for t in toks for w in significant(t.word))


def _joined(text: str, a: Tok, b: Tok) -> bool:
    """True when nothing but a space (or an abbreviation's dot) separates ``a`` and ``b``."""
    gap = text[a.end : b.start]
    if gap == " ":
        return True
    return gap == ". " and a.word[:1].isupper() and a.word.lower() in _ABBREVIATIONS


def _name_word(tok: Tok) -> bool:
    """A capitalised word continuing a name ("Watch" of "Judicial Watch": not the verb)."""
    word = tok.bare
    return word[:1].isupper() and word.lower() not in _NOT_MODIFIERS and word not in ENGLISH.days


def _modifier(tok: Tok) -> bool:
    word = tok.bare
    if word.lower() in _NOT_MODIFIERS or word in _NOT_MODIFIERS:
        return False
    return is_cap(ENGLISH, word) or word.islower() or "-" in word
