"""The language the rules read, as one object: its word lists, passed to each part of the
extractor rather than imported by each.

`ENGLISH` is built from the lists in lexicon.py (how they were mined is in
summarizer/MODEL_CARD.md). Another language is another `Language`; the rules that
read sentence structure (regular expressions over punctuation and a few function
words) stay with the module whose idea they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from summarizer.quotes import lexicon as lx


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key
class Language:
    """Word lists by what the rules use them for. Every set holds words as written."""

    speech_verbs: frozenset[str]  # "X said", "said X", "X told Y"
    opinion_verbs: frozenset[str]  # "X believes that ...": the subject speaks, never inverted
    participles: frozenset[str]  # ", saying ...": the clause's subject speaks
    aux: frozenset[str]  # auxiliaries between a subject and its cue ("has said")
    role_words: frozenset[str]  # nouns naming a person or group that speaks
    pronouns: frozenset[str]
    person_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    possessive_determiners: frozenset[str]
    non_name_caps: frozenset[str]  # capitalised words that are not names
    days: frozenset[str]
    titles: frozenset[str]  # "Sen.", "President": before a name, not part of it
    honorifics: frozenset[str]
    media_nouns: frozenset[str]
    anon_heads: frozenset[str]  # "a source", "an official": anonymous speakers
    indefinite: frozenset[str]
    ordinals: frozenset[str]
    female_names: frozenset[str]
    male_names: frozenset[str]
    attribution_hints: frozenset[str]  # words near a cue that make it reporting
    abbreviations: frozenset[str]  # lower case, no final dot: "sen", "u.s", "a.m"

    @cached_property
    def cue_words(self) -> frozenset[str]:
        """Every word that can report speech ("put" only in "as X put it")."""
        return self.speech_verbs | self.opinion_verbs | self.participles | {"put"}


ENGLISH = Language(
    speech_verbs=lx.SPEECH_VERBS,
    opinion_verbs=lx.OPINION_VERBS,
    participles=lx.PARTICIPLES,
    aux=lx.AUX,
    role_words=lx.ROLE_WORDS,
    pronouns=lx.PRONOUNS,
    person_pronouns=lx.PERSON_PRONOUNS,
    relative_pronouns=lx.RELATIVE_PRONOUNS,
    possessive_determiners=lx.POSSESSIVE_DETERMINERS,
    non_name_caps=lx.NON_NAME_CAPS,
    days=lx.DAYS,
    titles=lx.TITLES,
    honorifics=lx.HONORIFICS,
    media_nouns=lx.MEDIA_NOUNS,
    anon_heads=lx.ANON_HEADS,
    indefinite=lx.INDEFINITE,
    ordinals=lx.ORDINALS,
    female_names=lx.FEMALE_NAMES,
    male_names=lx.MALE_NAMES,
    attribution_hints=lx.ATTRIBUTION_HINTS,
    abbreviations=lx.ABBREVIATIONS,
)


def words(s: str) -> frozenset[str]:
    """A word set written as one string: ``words("he she they")``."""
    return frozenset(s.split())
