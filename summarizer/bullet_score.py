"""How likely a briefing bullet's quote is really that person's words: a small scorer.

A bullet is right only when every quote it shows is an attribution the article
makes to the person it names. The extractor already says how it found each
speaker (``Quote.confidence``); this scorer adds what a careful editor looks at
before putting a line in front of readers: does the speaker look like a person
or an organisation the story names again, or like a sentence fragment, a
heading, a place or a pronoun left unresolved ("Eventually", "Thousands",
"NEW DELHI", "they")? Is the quote speech (first person, a full clause) or a
question, a title, a lone word? Is it said with a speech verb next to the name?

Logistic regression over binary features, trained by
``summarizer/train_bullets.py`` (cross-validated; see summarizer/MODEL_CARD.md),
weights in ``bullet_score.json`` next to this file. Pure Python, deterministic.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.domain import Quote, QuoteKind, Span
from summarizer.quotes.language import ENGLISH, words
from summarizer.speaker_names import looks_like_name, name_key

_WEIGHTS_PATH = Path(__file__).with_name("bullet_score.json")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_FIRST_PERSON = words("I I'm I’m I've I’ve I'd I’d I'll I’ll me my we we're we’re our us We Our My")
_DETERMINERS = words("the a an one some another several many two three his her their its")
_SAY = words("said says say saying")
_TOLD = words("told tells tell telling")
_WROTE = words("wrote writes write posted tweeted added adds")
_PRONOUNS = words("he she they it we i you He She They It We I You")
_FUNCTION_END = words("of the for and in on at to a an")


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What the scorer needs to know about the story once, not per quote."""

    text: str
    lower_words: frozenset[str]  # words the story uses in lower case ("plumes", "must")
    counts: Mapping[str, int]  # how often each name word occurs, any case
    after_preposition: frozenset[str]  # words the story puts after "in", "on", "from" …

    @classmethod
    def of(cls, text: str) -> StoryFacts:
        lower: set[str] = set()
        placed: set[str] = set()
        counts: dict[str, int] = {}
        prev = ""
        for w in _WORD.findall(text):
            low = w.lower()
            counts[low] = counts.get(low, 0) + 1
            if w[:1].islower():
                lower.add(low)
            elif prev in _PLACE_PREPOSITIONS:
                placed.add(low)
            prev = w
        return cls(text, frozenset(lower), counts, frozenset(placed))


_PLACE_PREPOSITIONS = frozenset(["in", "on", "at", "from", "near", "across"])


def features(
    shown: Quote, source: Quote, speaker: str, role: str | None, group: int, facts: StoryFacts
) -> dict[str, float]:
    """Binary features of one quote as a bullet would show it.

    ``shown`` is the quote as displayed (perhaps widened to its reported clause),
    ``source`` the extractor's quote behind it, ``speaker``/``role`` what the bullet
    says, ``group`` how many quotes the story gives this speaker."""
    f: dict[str, float] = {"bias": 1.0, f"kind_{source.kind.value}": 1.0}
    if shown is not source:
        f["widened"] = 1.0
    f[f"conf_{_bucket(source.confidence, (0.95, 0.85, 0.75, 0.6, 0.5))}"] = 1.0
    if source.anonymous:
        f["anonymous"] = 1.0
    _speaker_features(f, speaker, source.speaker_mention, facts)
    _quote_features(f, shown.text, source)
    _cue_features(f, source)
    if role:
        f["has_role"] = 1.0
        if role.split()[-1].lower() in _FUNCTION_END:
            f["role_fragment"] = 1.0
    f[f"group_{min(group, 4)}"] = 1.0
    rel = source.start / max(1, len(facts.text))
    f[f"pos_{_bucket(1 - rel, (0.9, 0.7, 0.4))}"] = 1.0
    return f


def source_at_sentence_start(text: str, mention: Span | None) -> bool:
    """Whether a speaker mention opens its sentence ("Must …", "Others …")."""
    if mention is None or not 0 <= mention.start <= len(text):
        return False
    before = text[max(0, mention.start - 3) : mention.start].rstrip(' \u201c"')
    return mention.start == 0 or not before or before[-1] in ".!?\n"


def _speaker_features(
    f: dict[str, float], speaker: str, mention: Span | None, facts: StoryFacts
) -> None:
    words = speaker.split()
    key = name_key(speaker)
    first = words[0] if words else ""
    if speaker in _PRONOUNS or first.lower() in {"he", "she", "they", "it", "we"}:
        f["sp_pronoun"] = 1.0
    elif first.lower() in _DETERMINERS:
        f["sp_description"] = 1.0
    elif looks_like_name(speaker):
        f[f"sp_name_{min(len(key), 3)}"] = 1.0
        if speaker.isupper() and len(speaker) > 6:
            f["sp_all_caps"] = 1.0  # "NEW DELHI": a dateline, not an acronym
        if key and key[-1] in facts.lower_words:
            f["sp_common_word"] = 1.0  # "Plumes", "Must", "Some": words the story uses
        if first in ENGLISH.non_name_caps:
            f["sp_non_name_cap"] = 1.0
        if first.endswith("ing") or any(w in _PRONOUNS for w in words[1:]):
            f["sp_not_a_name_word"] = 1.0  # "Getting Disney", "Tech You"
        if key and key[0] in facts.after_preposition:
            f["sp_place_like"] = 1.0  # the story says "in Germany", "on Titan"
        if source_at_sentence_start(facts.text, mention) and len(key) == 1:
            f["sp_sentence_initial_word"] = 1.0
        n = facts.counts.get(key[-1], 0) if key else 0
        f[f"sp_seen_{_bucket(n, (6, 3, 2))}"] = 1.0
    else:
        f["sp_mixed_case"] = 1.0


def _quote_features(f: dict[str, float], text: str, source: Quote) -> None:
    words = _WORD.findall(text)
    n = len(words)
    f[f"len_{_bucket(n, (30, 15, 8, 4))}"] = 1.0
    stripped = text.rstrip(" ”\"’'»)")
    if stripped.endswith("?"):
        f["question"] = 1.0
    if any(w in _FIRST_PERSON for w in words):
        f["first_person"] = 1.0
    if words and words[0][:1].islower():
        f["starts_lower"] = 1.0
    caps = sum(1 for w in words if w[:1].isupper())
    if n >= 2 and caps / n > 0.6:
        f["title_case"] = 1.0  # a title, a name, a headline
    if source.kind is QuoteKind.INDIRECT and n <= 4:
        f["short_indirect"] = 1.0


def _cue_features(f: dict[str, float], source: Quote) -> None:
    cue = (source.cue or "").lower()
    last = cue.split()[-1] if cue else ""
    if not cue:
        f["cue_none"] = 1.0
    elif cue == ENGLISH.according:
        f["cue_according"] = 1.0
    elif last in _SAY:
        f["cue_say"] = 1.0
    elif last in _TOLD:
        f["cue_told"] = 1.0
    elif last in _WROTE:
        f["cue_wrote"] = 1.0
    else:
        f["cue_other"] = 1.0
    m = source.speaker_mention
    if m is None:
        f["mention_none"] = 1.0
    else:
        gap = source.start - m.end if m.end <= source.start else m.start - source.end
        f[f"mention_{'before' if m.end <= source.start else 'after'}"] = 1.0
        f[f"gap_{_bucket(-abs(gap), (-3, -15, -60))}"] = 1.0


def _bucket(value: float, edges: tuple[float, ...]) -> str:
    """The first edge the value reaches, else "low"; edges high to low."""
    for edge in edges:
        if value >= edge:
            return str(edge)
    return "low"


def probability(feats: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    w = _weights() if weights is None else weights
    z = sum(w.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def _weights() -> Mapping[str, float]:
    try:
        data = json.loads(_WEIGHTS_PATH.read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data["weights"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no model: every quote scores 0.5 and the rules' order stands


@lru_cache(maxsize=1)
def thresholds() -> Mapping[str, float]:
    """The cut-offs chosen by cross-validation (a bullet, a bullet's second quote)."""
    try:
        data = json.loads(_WEIGHTS_PATH.read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data["thresholds"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
