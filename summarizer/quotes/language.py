"""The language the rules read, as one object: its word lists, passed to each part of the
extractor rather than imported by each.

`ENGLISH` is built from the lists in lexicon.py (how they were mined is in
summarizer/MODEL_CARD.md); this is the only module that imports lexicon.py (an
import-linter contract in pyproject.toml). `extract` hands one `Language` to every part,
and the parts hand it on, so another language is another `Language`, and a changed word
list changes what is found without touching any module. The sets combined from several
fields (`role_nouns`, `pp_stops`, ...) are cached properties, so a `dataclasses.replace`
of a field reaches them too. The rules that read sentence structure (regular expressions
over punctuation and a few function words) stay with the module whose idea they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

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
    according: str  # the phrase that names a source: "according to"
    abbreviations: frozenset[str]  # lower case, no final dot: "sen", "u.s", "a.m"
    org_words: frozenset[str]  # "University", "Party": a name that is a body, not a person
    strong_titles: frozenset[str]  # end a title phrase before a name: "Mexican President X"
    title_nouns: frozenset[str]  # more nouns before a name as its title: "lawyer Joe Smith"
    # function words of the mention scanner and the name splitter (see lexicon.py)
    determiners: frozenset[str]
    number_words: frozenset[str]  # capitalised: "Thirty percent of voters"
    place_preps: frozenset[str]
    workplace_preps: frozenset[str]
    affiliation_preps: frozenset[str]
    name_particles: frozenset[str]
    connectors: frozenset[str]
    after_connector_stops: frozenset[str]
    capital_prepositions: frozenset[str]
    relatives: frozenset[str]
    quantifiers: frozenset[str]
    pp_heads: frozenset[str]
    adjunct_preps: frozenset[str]
    adjunct_nouns: frozenset[str]
    not_adjectives: frozenset[str]
    authored_nouns: frozenset[str]
    verb_adverbs: frozenset[str]
    loose_openers: frozenset[str]
    irregular_past: frozenset[str]
    object_openers: frozenset[str]
    clause_stops: frozenset[str]
    finite_words: frozenset[str]
    not_adverbial_starts: frozenset[str]
    # what the speaker ranker reads around a candidate (see lexicon.py)
    speech_nouns: frozenset[str]  # "claim", "remarks": nouns of saying
    prepositions: frozenset[str]
    told_words: frozenset[str]
    clause_openers: frozenset[str]
    plural_pronouns: frozenset[str]
    first_person_pronouns: frozenset[str]
    # what the role judge reads (see lexicon.py)
    role_not_heads: frozenset[str]
    more_role_heads: frozenset[str]
    not_agents: frozenset[str]
    role_clause_openers: frozenset[str]
    be_have: frozenset[str]
    role_links: frozenset[str]
    determiners_and_possessives: frozenset[str]  # "a", "the", "this", "his", "our"
    # what the resolver reads (see lexicon.py)
    generic_heads: frozenset[str]
    definite: frozenset[str]
    description_stops: frozenset[str]
    owner_pronouns: Mapping[str, str]  # "his" -> "he"
    body_pronouns: frozenset[str]
    second_person_pronouns: frozenset[str]
    body_heads: frozenset[str]
    document_nouns: frozenset[str]
    made_heads: frozenset[str]
    head_ends: frozenset[str]
    female_titles: frozenset[str]
    male_titles: frozenset[str]
    body_glue: frozenset[str]
    # what the quotation judge and the cue scorer read (see lexicon.py)
    title_small_words: frozenset[str]
    naming_words: frozenset[str]
    clause_words: frozenset[str]
    list_intros: frozenset[str]
    quote_prepositions: frozenset[str]
    finite_verbs: frozenset[str]
    be_forms: frozenset[str]
    negations: frozenset[str]
    label_stops: frozenset[str]
    answers: frozenset[str]
    np_openers: frozenset[str]
    common_words: frozenset[str]  # words news writes in lower case: "perhaps", "must"

    @cached_property
    def cue_words(self) -> frozenset[str]:
        """Every word that can report speech ("put" only in "as X put it")."""
        return self.speech_verbs | self.opinion_verbs | self.participles | {"put"}

    @cached_property
    def role_nouns(self) -> frozenset[str]:
        """Nouns that stand before a name as its title: "election lawyer Joe Birkenstock"."""
        return self.strong_titles | self.anon_heads | self.title_nouns

    @cached_property
    def phrase_openers(self) -> frozenset[str]:
        """Words that open a noun phrase but never head one: "a", "the", "his"."""
        return self.indefinite | {"the", "his", "her"}

    @cached_property
    def role_heads(self) -> frozenset[str]:
        """Nouns that say what someone is: "owner", "mayor", "official"."""
        mined = self.role_words | self.titles | self.anon_heads
        return mined - self.role_not_heads | self.more_role_heads

    @cached_property
    def not_in_role(self) -> frozenset[str]:
        """Words no role holds: a verb of saying, an auxiliary, a pronoun, "is", "has"."""
        return self.speech_verbs | self.aux | self.pronouns | self.be_have

    @cached_property
    def articles(self) -> frozenset[str]:
        """What opens a description that stands for itself: "a", "the", "one"."""
        return self.indefinite | self.definite

    @cached_property
    def generic_or_stop(self) -> frozenset[str]:
        """A description's words that say nothing of whom it describes."""
        return self.generic_heads | self.description_stops

    @cached_property
    def pp_stops(self) -> frozenset[str]:
        """What ends a mention's prepositional tail: a verb, an auxiliary, a clause opener."""
        return self.opinion_verbs | self.aux | self.clause_stops


COMMON_WORDS_PATH = Path(__file__).with_name("common_words.json")


def load_common_words(path: Path = COMMON_WORDS_PATH) -> frozenset[str]:
    """Words news writes in lower case (mine_common.py); none when the file is missing."""
    try:
        return frozenset(str(w) for w in json.loads(path.read_text(encoding="utf-8"))["words"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


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
    according=lx.ACCORDING,
    abbreviations=lx.ABBREVIATIONS,
    org_words=lx.ORG_WORDS,
    strong_titles=lx.STRONG_TITLES,
    title_nouns=lx.TITLE_NOUNS,
    determiners=lx.DETERMINERS,
    number_words=lx.NUMBER_WORDS,
    place_preps=lx.PLACE_PREPS,
    workplace_preps=lx.WORKPLACE_PREPS,
    affiliation_preps=lx.AFFILIATION_PREPS,
    name_particles=lx.NAME_PARTICLES,
    connectors=lx.CONNECTORS,
    after_connector_stops=lx.AFTER_CONNECTOR_STOPS,
    capital_prepositions=lx.CAPITAL_PREPOSITIONS,
    relatives=lx.RELATIVES,
    quantifiers=lx.QUANTIFIERS,
    pp_heads=lx.PP_HEADS,
    adjunct_preps=lx.ADJUNCT_PREPS,
    adjunct_nouns=lx.ADJUNCT_NOUNS,
    not_adjectives=lx.NOT_ADJECTIVES,
    authored_nouns=lx.AUTHORED_NOUNS,
    verb_adverbs=lx.VERB_ADVERBS,
    loose_openers=lx.LOOSE_OPENERS,
    irregular_past=lx.IRREGULAR_PAST,
    object_openers=lx.OBJECT_OPENERS,
    clause_stops=lx.CLAUSE_STOPS,
    finite_words=lx.FINITE_WORDS,
    not_adverbial_starts=lx.NOT_ADVERBIAL_STARTS,
    speech_nouns=lx.SPEECH_NOUNS,
    prepositions=lx.PREPOSITIONS,
    told_words=lx.TOLD_WORDS,
    clause_openers=lx.CLAUSE_OPENERS,
    plural_pronouns=lx.PLURAL_PRONOUNS,
    first_person_pronouns=lx.FIRST_PERSON_PRONOUNS,
    role_not_heads=lx.ROLE_NOT_HEADS,
    more_role_heads=lx.MORE_ROLE_HEADS,
    not_agents=lx.NOT_AGENTS,
    role_clause_openers=lx.ROLE_CLAUSE_OPENERS,
    be_have=lx.BE_HAVE,
    role_links=lx.ROLE_LINKS,
    determiners_and_possessives=lx.DETERMINERS_AND_POSSESSIVES,
    generic_heads=lx.GENERIC_HEADS,
    definite=lx.DEFINITE,
    description_stops=lx.DESCRIPTION_STOPS,
    owner_pronouns=lx.OWNER_PRONOUNS,
    body_pronouns=lx.BODY_PRONOUNS,
    second_person_pronouns=lx.SECOND_PERSON_PRONOUNS,
    body_heads=lx.BODY_HEADS,
    document_nouns=lx.DOCUMENT_NOUNS,
    made_heads=lx.MADE_HEADS,
    head_ends=lx.HEAD_ENDS,
    female_titles=lx.FEMALE_TITLES,
    male_titles=lx.MALE_TITLES,
    body_glue=lx.BODY_GLUE,
    title_small_words=lx.TITLE_SMALL_WORDS,
    naming_words=lx.NAMING_WORDS,
    clause_words=lx.CLAUSE_WORDS,
    list_intros=lx.LIST_INTROS,
    quote_prepositions=lx.QUOTE_PREPOSITIONS,
    finite_verbs=lx.FINITE_VERBS,
    be_forms=lx.BE_FORMS,
    negations=lx.NEGATIONS,
    label_stops=lx.LABEL_STOPS,
    answers=lx.ANSWERS,
    np_openers=lx.NP_OPENERS,
    common_words=load_common_words(),
)


def words(s: str) -> frozenset[str]:
    """A word set written as one string: ``words("he she they")``."""
    return frozenset(s.split())
