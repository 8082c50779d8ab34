"""The decider for questions and `quotes` arguments: pure functions, no I/O.

`content_words` reduces text to the words that can name a speaker or a topic;
`rank_hits` orders stored quotes by how many of the question's words they
cover; `citation` turns a stored quote into what a reply cites. The core
(`bot.conversation.core`) does the store lookups in between.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from bot.domain import Citation, Quote, Story
from bot.ports import QuoteHit

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Words that never name a speaker or a topic: question scaffolding and function words.
_STOPWORDS_TEXT = """
    a about above after again against all also am an and any anyone anything are as at be
    because been before being below between both but by can could did do does doing done
    down during each else ever every few for from further get got had has have having he her
    here hers herself him himself his how i if in into is it its itself just latest let like
    me mention mentioned more most my myself news newsbrief no nor not now of off on once
    only or other our ours ourselves out over own please quote quotes quoted recent recently
    regarding said same say saying says she should show so some someone something such tell
    than that the their theirs them themselves then there these they this those through to
    today told too under until up us very was we were what when where which while who whom
    whose why will with would yesterday you your yours yourself bot concerning think thinks
    thought
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def content_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` that can name a speaker or a topic, lower-cased, in order."""
    found: dict[str, None] = {}
    for word in _WORD.findall(text.casefold()):
        if word.endswith(("'s", "’s")):  # "Trump's" -> "trump"
            word = word[:-2]
        if word.isdigit() and len(word) != 4:  # a year may be a topic; other numbers not
            continue
        if word not in STOPWORDS:
            found.setdefault(word, None)
    return tuple(found)


def candidate_runs(
    words: Sequence[str], known: Collection[tuple[str, ...]], *, length: int
) -> list[tuple[str, ...]]:
    """Runs of ``length`` adjacent words whose two shorter runs both name someone.

    Only those can name one person together ("white house official" needs
    "white house" and "house official"): a speaker whose name has all the
    words has every part of them too, so the store is asked about these only.
    """
    runs = []
    for start in range(len(words) - length + 1):
        run = tuple(words[start : start + length])
        if run[:-1] in known and run[1:] in known:
            runs.append(run)
    return runs


def segment_people(
    words: Sequence[str], known: Collection[tuple[str, ...]]
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Greedy left-to-right split of ``words`` into known speaker runs and the other words.

    ``known`` holds the word runs that name someone; the longest run wins.
    """
    people: list[tuple[str, ...]] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        end = next(
            (e for e in range(len(words), i, -1) if tuple(words[i:e]) in known),
            None,
        )
        if end is None:
            rest.append(words[i])
            i += 1
            continue
        people.append(tuple(words[i:end]))
        i = end
    return people, rest


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem, enough to see "guarantees" in "guarantee" and "criticised"
    in "criticism"; the database does the real stemming, this only ranks its answers."""
    for suffix in ("ations", "ation", "ising", "izing", "ised", "ized", "ies", "ing", "es", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if word.endswith("s") and len(word) > 4 and not word.endswith("ss"):
        return word[:-1]
    return word


def coverage(text: str, words: Iterable[str]) -> int:
    """How many of ``words`` (by stem) occur in ``text``."""
    stems = {stem(w) for w in _WORD.findall(text.casefold())}
    seen = 0
    for word in set(words):
        target = stem(word)
        if any(s.startswith(target) or (target.startswith(s) and len(s) >= 4) for s in stems):
            seen += 1
    return seen


def rank_hits(
    hits: Sequence[QuoteHit], words: Sequence[str], *, keep_partial: bool = True
) -> list[QuoteHit]:
    """Hits covering more of ``words`` first (stable: the store's order breaks ties).

    Without ``keep_partial`` only the hits covering the most words stay.
    """
    if not words:
        return list(hits)
    scored = [(coverage(h.quote.text, words), i, h) for i, h in enumerate(hits)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return []
    best = max(s[0] for s in scored)
    floor = max(1, (best + 1) // 2) if keep_partial else best
    return [h for score, _, h in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= floor]


def speaker_named_by(speaker: str | None, words: Iterable[str]) -> bool:
    """True when one of ``words`` is a word of ``speaker`` ("trump" in "Donald Trump")."""
    if not speaker:
        return False
    names = set(content_words(speaker))
    return any(w in names for w in words)


def newest_first(hits: Iterable[QuoteHit]) -> list[QuoteHit]:
    """Newest story first, quotes of one story in story order; duplicates dropped."""
    unique = {(h.story_id, h.ordinal): h for h in hits}

    def key(h: QuoteHit) -> tuple[float, int, int]:
        when = h.published_at.timestamp() if h.published_at else float("-inf")
        return (-when, -h.story_id, h.ordinal)

    return sorted(unique.values(), key=key)


def citation(hit: QuoteHit) -> Citation:
    return Citation(
        speaker=hit.quote.speaker or "unattributed",
        speaker_role=hit.quote.speaker_role,
        text=hit.quote.text,
        kind=hit.quote.kind,
        story_title=hit.story_title,
        story_url=hit.story_url,
        published_at=hit.published_at,
        story_id=hit.story_id,
    )


def story_citation(story: Story, quote: Quote) -> Citation:
    return Citation(
        speaker=quote.speaker or "unattributed",
        speaker_role=quote.speaker_role,
        text=quote.text,
        kind=quote.kind,
        story_title=story.title,
        story_url=story.url,
        published_at=story.published_at,
        story_id=story.id,
    )


def quoted_words(words: Sequence[str]) -> str:
    """``("security", "guarantees")`` -> ``"security guarantees"`` for a reply's text."""
    return " ".join(words)
