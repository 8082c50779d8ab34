"""A scanned phrase split into the proper name it holds and the title in front of it.

"Mexican President Enrique Peña Nieto" is the name "Enrique Peña Nieto" with the role
"Mexican President"; "a senior military analyst at Stratfor" names no one (Stratfor is
where the analyst works); "Patricia Moran of Cheyenne" is the person, then her town.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.quotes.language import Language
from summarizer.quotes.words import Tok


@dataclass(frozen=True, slots=True)
class Mention:
    """A speaker mention; ``name`` is the proper name inside it, if any."""

    start: int
    end: int
    text: str
    name: str | None = None
    role: str | None = None
    pronoun: bool = False


def is_cap(lang: Language, word: str) -> bool:
    return (
        word[:1].isupper()
        and word not in lang.non_name_caps
        and ("-" not in word or not spelled_number(lang, word))
    )


def spelled_number(lang: Language, word: str) -> bool:
    """ "Forty-three", "Twenty-two years ago": a hyphenated word opening with a number."""
    return word.partition("-")[0] in lang.number_words


def build(lang: Language, text: str, toks: list[Tok]) -> Mention:
    """Split a scanned phrase into its proper name and the title in front of it."""
    start, end = toks[0].start, toks[-1].end
    name_toks = _leading_person(lang, toks) or _name_run(lang, toks)
    if name_toks is None or _affiliation(lang, toks, name_toks[0]):
        return Mention(start, end, text[start:end])
    a, b = name_toks
    name = " ".join([t.bare for t in toks[a:b]])
    role = text[start : toks[a - 1].end].strip() if a > 0 else None
    if role and role.split()[0] in lang.determiners:
        # "The FAO": a determiner alone is no role
        role = None if b < len(toks) else role
    if b < len(toks) and toks[b].word in lang.place_preps:
        pass  # "Patricia Moran of Cheyenne": the person, then where she is from
    elif b < len(toks):
        # "Trump's cryptic social media post": the owner speaks through the noun
        tail = toks[-1].bare.lower()
        if not (toks[b - 1].word.endswith(("’s", "'s")) and tail in lang.media_nouns):
            return Mention(start, end, text[start:end])
        role = None
    return Mention(start, end, text[start:end], name, role)


def _leading_person(lang: Language, toks: list[Tok]) -> tuple[int, int] | None:
    """ "Rosaly Lopes of NASA's Jet Propulsion Laboratory in California", "planetary
    geologist Dylan Nelson of the Max Planck Institute": a person's two or three name
    words, then where they work; the name is the person's, not the last one."""
    n = len(toks)
    if n < 4:
        return None  # two name words, the preposition and a place at least
    k = 0
    while k < n and (toks[k].word.islower() or toks[k].bare.lower() in lang.titles):
        k += 1
    a = k
    while k < n and name_word(lang, toks[k]) and toks[k].bare.lower() not in lang.titles:
        if toks[k].word.endswith(("’s", "'s")):
            return None
        k += 1
    if not 2 <= k - a <= 3 or k >= n - 1 or toks[k].word not in lang.workplace_preps:
        return None
    if any(toks[j].bare in lang.org_words for j in range(a, k)):
        return None  # "Supreme Court of ...": a body
    return a, k


def _affiliation(lang: Language, toks: list[Tok], a: int) -> bool:
    """ "a senior military analyst at Stratfor", "China's ambassador to Britain", "a
    spokesperson for Inherent Resolve": the name after a role noun and a preposition is
    where the person works, not who they are."""
    if a < 2 or toks[a - 1].word not in lang.affiliation_preps:
        return False
    return any(t.word.islower() and t.bare in lang.role_nouns for t in toks[: a - 1])


def _name_run(lang: Language, toks: list[Tok]) -> tuple[int, int] | None:
    """The last run of capitalized non-title words: the person or body named."""
    b = len(toks)
    while b > 0 and not name_word(lang, toks[b - 1]):
        b -= 1
    if b == 0:
        return None
    if b < len(toks) and toks[b].word == "and":
        return None  # "Trump and Ryan issued": two speakers, no one name
    a = b
    while a > 0 and (
        (name_word(lang, toks[a - 1]) and not toks[a - 1].word.endswith(("’s", "'s")))
        or particle_at(lang, toks, a - 1)
    ):
        a -= 1
    if a == b and toks[b - 1].word.endswith(("’s", "'s")):
        a = b - 1
    if a > 0 and toks[a - 1].word == "and":
        return None  # "leaders of Russia and Ukraine": a group, not the last name in it
    while a < b and toks[a].bare.lower() in lang.titles and a < b - 1:
        a += 1
    # "Mexican President Enrique Peña Nieto": the name starts after the last title
    for k in range(b - 2, a, -1):
        if toks[k].bare.lower() in lang.strong_titles:
            a = k + 1
            break
    if all(toks[k].bare.lower() in lang.titles for k in range(a, b)):
        return None
    if a >= 2 and toks[a - 1].word in lang.place_preps:
        # "Patricia Moran of Cheyenne", "Sen. Bernie Sanders of Vermont": the name is
        # the run before "of", when there is one
        earlier = _name_run(lang, toks[: a - 1])
        body = toks[a - 2].bare in lang.org_words or toks[a - 2].bare.lower() in lang.strong_titles
        # "Minister in the Ministry of Finance Brian Manning", "Minister of Finance Brian
        # Manning": the body's or the office's name runs on into the person's, who starts
        # at the first given name
        given = next((k for k in range(a + 1, b - 1) if _given_name(lang, toks[k])), None)
        if body and given is not None:
            return given, b
        if earlier is not None and earlier[1] == a - 1:
            return earlier
    return a, b


def _given_name(lang: Language, tok: Tok) -> bool:
    return tok.bare in lang.male_names or tok.bare in lang.female_names


def particle_at(lang: Language, toks: list[Tok], k: int) -> bool:
    """ "Bill de Blasio", "Ludwig van Beethoven": a small word inside a name."""
    return (
        0 < k < len(toks) - 1
        and toks[k].word in lang.name_particles
        and name_word(lang, toks[k - 1])
        and name_word(lang, toks[k + 1])
    )


def name_word(lang: Language, tok: Tok) -> bool:
    w = tok.bare
    return (
        bool(w[:1].isupper())
        and w not in lang.determiners
        and w not in lang.non_name_caps
        and ("-" not in w or not spelled_number(lang, w))
    )
