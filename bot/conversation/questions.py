"""The decider for questions and `quotes` arguments: pure functions, no I/O.

`plan_question` reads a question ("what did Lavrov say about security
guarantees?", "who criticised Trump?") into who is asked about and what about;
`rank_hits` orders stored quotes by how many of the question's words they
cover; `citation` turns a stored quote into what a reply cites. The core
(`bot.conversation.core`) does the store lookups in between.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
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

_SPEECH_VERBS = (
    r"say|said|saying|says|think|thinks|thought|tell|told|claim|claimed|mean|meant|argue|"
    r"argued|warn|warned|reply|replied|respond|responded|comment|commented|state|stated|"
    r"announce|announced|add|added|suggest|suggested|predict|predicted|promise|promised"
)
_TOPIC_TAIL = r"(?:\s+(?:about|on|regarding|concerning|of|over|re)\s+(?P<topic>.+))?"
_WHAT_DID = re.compile(
    r"^(?:and\s+|so\s+|but\s+)?(?:what|anything)\s+(?:else\s+)?"
    r"(?:did|does|do|has|have|had|was|is|were|are|will|would)\s+(?P<who>.+?)\s+"
    rf"(?:{_SPEECH_VERBS})\b(?:\s+anything)?{_TOPIC_TAIL}\s*$",
    re.IGNORECASE,
)
_DID_SAY = re.compile(
    rf"^(?:did|has|have|does)\s+(?P<who>.+?)\s+(?:{_SPEECH_VERBS}|talk|talked|speak|spoke)\b"
    rf"(?:\s+anything)?{_TOPIC_TAIL}\s*$",
    re.IGNORECASE,
)
_QUOTES_FROM = re.compile(
    rf"^(?:show\s+me\s+)?(?:quotes?|statements?|comments?)\s+(?:from|by)\s+(?P<who>.+?)"
    rf"{_TOPIC_TAIL}\s*$",
    re.IGNORECASE,
)
_WHO = re.compile(r"^(?:and\s+|so\s+)?who(?:m|se)?\b\s*(?P<rest>.*)$", re.IGNORECASE)
_MENTION = re.compile(r"^\s*(?:<@[^>]+>|@\w+)[,:]?\s*")


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    """What a question asks: quotes of someone (``speaker``) about something (``topic``).

    ``asks_who`` marks "who ...?" questions: the speaker is the answer, so the
    topic's own names are not taken as the speaker ("who criticised Trump?"
    wants others' quotes about Trump, not Trump's).
    """

    speaker: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    asks_who: bool = False

    @property
    def empty(self) -> bool:
        return not self.speaker and not self.topic


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


def plan_question(text: str) -> QuestionPlan:
    """Read a follow-up question; unrecognised shapes become a plain topic search."""
    question = _MENTION.sub("", text).strip().rstrip("?!. ").strip()
    for pattern in (_WHAT_DID, _DID_SAY, _QUOTES_FROM):
        found = pattern.match(question)
        if found:
            return QuestionPlan(
                speaker=content_words(found["who"]),
                topic=content_words(found["topic"] or ""),
            )
    who = _WHO.match(question)
    if who:
        # "who criticised Trump": the verb says how they spoke, the rest what about.
        verb, _, rest = who["rest"].partition(" ")
        return QuestionPlan(topic=content_words(rest or verb), asks_who=True)
    return QuestionPlan(topic=content_words(question))


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
