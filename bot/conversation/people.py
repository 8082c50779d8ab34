"""People as entities: the words someone is asked about by, and who they are.

Pure functions, no I/O. A question names a person by full name, surname,
title plus surname ("President Zelenskyy", "Mr Lavrov"), a spelling variant
("Zelensky", "Zelenskiy") or a role ("the CEO", "the union"). The store
matches speaker words as prefixes of the words of a quote's speaker and role;
this module supplies what to ask it: the phrase without courtesy titles,
role synonyms (`role_alternatives`), a spelling key for variants
(`spelling_key`), and `group_people`, which folds the speakers the store
returns into people ("Lavrov" and "Sergey Lavrov" are one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.conversation.questions import STOPWORDS, content_words
from bot.ports import QuoteHit

# Dropped from a name when the store knows nobody with them (a role in the
# store, like "President", is still matched when present).
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "madam",
        "sen",
        "senator",
        "rep",
        "representative",
        "congressman",
        "congresswoman",
        "gov",
        "governor",
        "pres",
        "president",
        "pm",
        "premier",
        "minister",
        "secretary",
        "chancellor",
        "mayor",
        "councilmember",
        "councillor",
        "councilman",
        "councilwoman",
        "judge",
        "justice",
        "gen",
        "general",
        "col",
        "colonel",
        "capt",
        "captain",
        "lt",
        "lieutenant",
        "coach",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "rev",
        "reverend",
        "father",
        "sister",
        "brother",
        "chairman",
        "chairwoman",
        "chair",
        "ambassador",
        "commissioner",
        "inspector",
        "sheriff",
        "officer",
        "agent",
        "detective",
        "st",
        "saint",
    ]
)

# A role word people type -> the word runs the store may hold for it.
_ROLE_SYNONYMS: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {
    ("ceo",): (("chief", "executive"), ("ceo",)),
    ("chief", "executive"): (("chief", "executive"), ("ceo",)),
    ("cfo",): (("chief", "financial"), ("cfo",)),
    ("chief", "financial", "officer"): (("chief", "financial"), ("cfo",)),
    ("coo",): (("chief", "operating"), ("coo",)),
    ("cto",): (("chief", "technology"), ("chief", "technical"), ("cto",)),
    ("boss",): (("chief", "executive"), ("ceo",), ("head",), ("boss",)),
    ("head",): (("head",), ("chief",), ("director",)),
    ("union",): (("union",), ("local",), ("teamsters",), ("federation", "workers")),
    ("unions",): (("union",), ("local",), ("teamsters",)),
    ("union", "leader"): (("union",), ("local",)),
    ("union", "boss"): (("union",), ("local",)),
    ("union", "president"): (("union",), ("president", "local")),
    ("union", "chief"): (("union",), ("local",)),
    ("spokesman",): (("spokes",),),
    ("spokeswoman",): (("spokes",),),
    ("spokesperson",): (("spokes",),),
    ("spokespeople",): (("spokes",),),
    ("forecaster",): (("meteorolog",), ("weather",), ("forecaster",)),
    ("forecasters",): (("meteorolog",), ("weather",), ("forecaster",)),
    ("weatherman",): (("meteorolog",), ("weather",)),
    ("economist",): (("economist",),),
    ("expert",): (("expert",), ("analyst",), ("fellow",), ("professor",), ("researcher",)),
    ("experts",): (("expert",), ("analyst",), ("fellow",), ("professor",), ("researcher",)),
    ("police",): (("police",), ("officer",), ("sheriff",)),
    ("cops",): (("police",), ("officer",)),
    ("doctor",): (("doctor",), ("dr",), ("physician",)),
    ("doctors",): (("doctor",), ("dr",), ("physician",)),
    ("councillor",): (("council",),),
    ("council",): (("council",),),
    ("white", "house"): (("white", "house"),),
    ("pentagon",): (("pentagon",), ("defense", "secretary"), ("defence", "secretary")),
    ("farmer",): (("farmer",), ("grower",), ("orchard",), ("farm",), ("rancher",)),
    ("farmers",): (("farmer",), ("grower",), ("orchard",), ("farm",), ("rancher",)),
}


def role_alternatives(words: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The speaker-word runs to try for ``words``: the words themselves, then synonyms.

    ``("ceo",)`` -> ``(("ceo",), ("chief", "executive"))``. Only a phrase that is
    a known role word has synonyms; names are returned as they are.
    """
    key = tuple(words)
    found = [key]
    for alternative in _ROLE_SYNONYMS.get(key, ()):
        if alternative not in found:
            found.append(alternative)
    # A role word inside a longer phrase: "home depot ceo" -> "home depot chief executive".
    for i, word in enumerate(key):
        if len(key) > 1 and (word,) in _ROLE_SYNONYMS:
            for alternative in _ROLE_SYNONYMS[(word,)]:
                swapped = (*key[:i], *alternative, *key[i + 1 :])
                if swapped not in found:
                    found.append(swapped)
    return tuple(found)


def without_titles(words: Sequence[str]) -> tuple[str, ...]:
    """``("president", "zelenskyy")`` -> ``("zelenskyy",)``; a title alone is kept."""
    kept = tuple(w for w in words if w not in TITLES)
    return kept or tuple(words)


@lru_cache(maxsize=65536)
def spelling_key(word: str) -> str:
    """A key equal for the usual spelling variants of a name.

    Accents dropped, y/j read as i, ck/k/c/q as k, ph as f, w as v (Zelensky,
    Zelenskyy, Zelenskiy and Selenskyj share one), doubled letters collapsed.
    """
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )
    plain = plain.replace("ph", "f").replace("ck", "k").replace("q", "k").replace("w", "v")
    plain = plain.replace("ij", "i").replace("y", "i").replace("j", "i")
    plain = plain.replace("c", "k").replace("z", "s").replace("x", "ks")
    out: list[str] = []
    for ch in plain:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out).rstrip("i") or plain


@lru_cache(maxsize=65536)
def close_spelling(asked: str, stored: str) -> bool:
    """Whether ``stored`` (a word of a speaker's name) is a spelling of ``asked``."""
    if len(asked) < 4 or len(stored) < 4:
        return False
    a, b = spelling_key(asked), spelling_key(stored)
    if a == b or (b.startswith(a) and len(a) >= 5):
        return True
    return len(a) >= 6 and _edit_distance(a, b, limit=1) <= 1


def _edit_distance(a: str, b: str, *, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def spelling_prefix(word: str) -> str:
    """The prefix to fetch candidate speakers by for a misspelt ``word``."""
    return word[:4] if len(word) >= 6 else word[:3]


@dataclass
class Person:
    """One person (or organisation, or unnamed source) as quoted in the store."""

    name: str
    roles: list[str] = field(default_factory=list)
    stories: dict[int, str] = field(default_factory=dict)  # story id -> title
    hits: list[QuoteHit] = field(default_factory=list)

    @property
    def story_count(self) -> int:
        return len(self.stories)

    def role_text(self) -> str:
        return "; ".join(self.roles)


@lru_cache(maxsize=65536)
def same_person(a: str, b: str) -> bool:
    """ "Lavrov" and "Sergey Lavrov"; "Zelensky" and "Volodymyr Zelenskyy": the shorter
    name's words are all (by spelling) in the longer, surname included."""
    short, long = sorted((content_words(a), content_words(b)), key=len)
    if not short or not long:
        return False
    if not any(w in TITLES for w in short) and not close_spelling(short[-1], long[-1]):
        return False
    return all(any(w == v or close_spelling(w, v) for v in long) for w in short)


def group_people(hits: Iterable[QuoteHit]) -> list[Person]:
    """The distinct people among ``hits``, in first-seen order, names folded by
    `same_person` into the longest spelling; roles and stories collected."""
    people: list[Person] = []
    by_name: dict[str, Person] = {}
    # Only names whose surnames spell alike can be one person: compared within a bucket,
    # a hundred speakers of a common role cost a hundred lookups, not ten thousand.
    buckets: dict[str, list[Person]] = {}
    for hit in hits:
        name = hit.quote.speaker or "unattributed"
        bucket = buckets.setdefault(_surname_key(name), [])
        person = by_name.get(name) or next((p for p in bucket if same_person(p.name, name)), None)
        if person is None:
            person = Person(name)
            people.append(person)
            bucket.append(person)
        elif len(name) > len(person.name):
            person.name = name
        role = (hit.quote.speaker_role or "").strip()
        if role and role.casefold() not in {r.casefold() for r in person.roles}:
            person.roles.append(role)
        by_name[name] = person
        person.stories.setdefault(hit.story_id, hit.story_title)
        person.hits.append(hit)
    return people


def _surname_key(name: str) -> str:
    words = content_words(name)
    return spelling_key(words[-1])[:3] if words else ""


def is_named(words: Sequence[str], name: str) -> bool:
    """Whether every word of ``words`` (not a title) is a word of ``name`` or close to one."""
    name_words = content_words(name)
    asked = [w for w in words if w not in TITLES] or list(words)
    return all(any(n.startswith(w) or close_spelling(w, n) for n in name_words) for w in asked)


_ROLE_NOUNS = (
    r"(?:director|minister|president|officer|professor|coach|owner|analyst|doctor|physician|"
    r"pulmonologist|meteorologist|governor|chief|executive|ceo|cfo|spokes\w+|secretary|senator|"
    r"representative|mayor|attorney|lawyer|scientist|researcher|author|founder|chair\w*|"
    r"manager|head|leader|economist|official|expert|fellow|administrator|commissioner|"
    r"ambassador|judge|host|actor|singer|player|captain|winger|defenseman|farmer|grower|"
    r"councilmember|councillor|engineer|consultant|strategist|adviser|advisor|editor|"
    r"reporter|correspondent|teacher|principal|nurse|surgeon|geologist|astronomer|"
    r"hopeful|candidate|agent|investor|partner|member|student|resident|organi[sz]er)s?"
)
_ROLE_NOUN = re.compile(rf"^{_ROLE_NOUNS}$", re.IGNORECASE)


def is_role_word(word: str) -> bool:
    """Whether ``word`` names a role ("coach", "ceo", "spokeswoman"), not a name or place."""
    return bool(_ROLE_NOUN.match(word)) or (word,) in _ROLE_SYNONYMS


_ABBREVIATIONS = {"gov.": "Governor", "sen.": "Senator", "rep.": "Representative", "dr.": "Doctor"}


_TITLE_ABBREVIATION = re.compile(r"\b(Gov|Sen|Rep|Dr)\.", re.IGNORECASE)


def expand_titles(role: str) -> str:
    """ "Sen." -> "Senator", "Gov." -> "Governor" (a stored role may keep the short form)."""
    return _TITLE_ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m[0].casefold()], role)


def role_in_text(name: str, text: str) -> str | None:
    """The role a story gives ``name`` in passing, when the extractor stored none:
    "Scott Strenfel, PG&E's principal meteorologist", "orchard owner Lucia Ferreira",
    "Gov. Kristi Noem". Only phrases with a role noun count."""
    # Only the text around each mention is read: the patterns are costly over a whole story.
    windows: list[str] = []
    at = text.find(name)
    while at != -1 and len(windows) < 5:
        windows.append(text[max(0, at - 80) : at + len(name) + 120])
        at = text.find(name, at + len(name))
    for window in windows:
        role = _role_around(name, window)
        if role:
            return role
    return None


def _role_around(name: str, text: str) -> str | None:
    escaped = re.escape(name)
    after = re.search(
        rf"{escaped},\s+(?P<role>[^,.;:“”\"()]{{3,90}}?)(?=,|\.\s|\.$|;|\s+who\s|\s+said\b)",
        text,
    )
    if after and re.search(rf"\b{_ROLE_NOUNS}\b", after["role"], re.IGNORECASE):
        return after["role"].strip()
    before = re.search(
        rf"(?P<role>(?:[\w’'&.-]+\s+){{0,3}}?{_ROLE_NOUNS}|Gov\.|Sen\.|Rep\.|Dr\.)\s+{escaped}",
        text,
        re.IGNORECASE,
    )
    if before:
        words = before["role"].split()
        # Keep the words that belong to the role: "said orchard owner" -> "orchard owner".
        start = len(words)
        while start > 0 and _role_word(words[start - 1], last=start == len(words)):
            start -= 1
        role = " ".join(words[start:])
        if role:
            return _ABBREVIATIONS.get(role.casefold(), role)
    return None


def _role_word(word: str, *, last: bool) -> bool:
    folded = word.casefold().strip("’'")
    if last:
        return True
    return folded not in STOPWORDS and folded not in _NOT_ROLE and not folded.endswith("ed")


_NOT_ROLE = frozenset(["said", "says", "told", "added", "according", "asked", "wrote", "tweeted"])
