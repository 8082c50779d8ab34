"""Choose a quotation's speaker among the mentions of its sentence: a small ranker.

The rules (speakers.py, uncued.py) pick one speaker mention per quotation, and say how
(``_Attr.confidence``). This module scores that pick against every other
mention of the quotation's sentence ("the crowd", "Congress", "he", the
mention of each cue) with a conditional logit over a few binary features of
the candidate and its place relative to the quotation, and the highest score
wins. Trained on PolNeAR train by ``summarizer/quotes/train_rank.py`` (see
summarizer/MODEL_CARD.md); the weights are ``speaker_rank.json`` next to this
file. Pure Python, deterministic, a dot product per candidate.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from pathlib import Path

from summarizer.quotes.language import Language
from summarizer.quotes.names import Mention

_WEIGHTS_PATH = Path(__file__).with_name("speaker_rank.json")
MAX_CANDIDATES = 24  # per sentence: keeps a sentence of a thousand names linear

_CONF_BUCKETS = (
    (1.0, "c100"),
    (0.95, "c95"),
    (0.9, "c90"),
    (0.85, "c85"),
    (0.8, "c80"),
    (0.75, "c75"),
    (0.7, "c70"),
    (0.6, "c60"),
    (0.5, "c50"),
    (0.45, "c45"),
    (0.4, "c40"),
)
_DIST_BINS = ((3, "d3"), (15, "d15"), (40, "d40"), (100, "d100"))
_THAT_RE = re.compile(r"\bthat\b")
_WHO_NEXT_RE = re.compile(r",?\s*who\b")
_RELATIVE_NEXT_RE = re.compile(r"\s+(?:that|which|whom)\s+(?!is\b|was\b|are\b|were\b|has\b)")
_POSSESSIVE_ENDS = ("’", "'", "’s", "'s")
_VERB_NEXT_RE = re.compile(
    r"(?:\s*\([^()\n]{1,24}\))?(?:,[^,\n]{1,80},)?\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?"
    r"([a-z]+)\b"
)


_WORD = r"[ \t]+([a-z][\w\-]*)"
_WORDS_AFTER_RE = re.compile(_WORD + f"(?:{_WORD})?" * 2)


def speech_noun_after(lang: Language, text: str, pos: int) -> bool:
    """ "Trump’s claim", "her past statements": a noun of saying within three words."""
    m = _WORDS_AFTER_RE.match(text, pos)
    return m is not None and any(w in lang.speech_nouns for w in m.groups() if w)


def _word_before(text: str, lo: int, pos: int, joiners: str = "") -> str:
    """The word of word characters (and ``joiners``) that whitespace parts from ``pos``,
    no earlier than ``lo``; "" when none (a comma or nothing comes first)."""
    k = pos
    while k > lo and text[k - 1].isspace():
        k -= 1
    if k == pos:
        return ""
    start = k
    while start > lo and ((c := text[start - 1]).isalnum() or c == "_" or c in joiners):
        start -= 1
    return text[start:k]


def conf_bucket(confidence: float) -> str:
    for value, name in _CONF_BUCKETS:
        if confidence >= value - 1e-9:
            return name
    return "c40"


def load(path: Path = _WEIGHTS_PATH) -> dict[str, float]:
    """The ranker's weights; empty (the rules decide alone) when the file is missing or
    not a model."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: float(v) for k, v in data["weights"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # no model: the rules' pick stands


def tier(confidence: float) -> str:
    """How sure the rules' pick is: the same evidence against it weighs differently."""
    return "strong" if confidence >= 0.9 else "mid" if confidence >= 0.6 else "weak"


_TIERS = ("strong", "mid", "weak")


def tiered(f: dict[str, float], confidence: float) -> dict[str, float]:
    """A rival's features as the model is trained on them: each also under its tier."""
    name = tier(confidence)
    return f | {f"{name}:{k}": v for k, v in f.items()}


@dataclass(frozen=True)
class Model:
    """The ranker's weights, and for each tier the weights a rival's features get (a
    feature's own weight plus its tier's), so that a row is scored in one pass."""

    weights: dict[str, float]
    rival_weights: dict[str, dict[str, float]]

    @classmethod
    def of(cls, weights: dict[str, float]) -> Model:
        plain = {k: v for k, v in weights.items() if ":" not in k}
        rivals: dict[str, dict[str, float]] = {}
        for name in _TIERS:
            own = {k.partition(":")[2]: v for k, v in weights.items() if k.startswith(name + ":")}
            rivals[name] = {k: plain.get(k, 0.0) + own.get(k, 0.0) for k in plain.keys() | own}
        return cls(weights, rivals)

    def __bool__(self) -> bool:
        return bool(self.weights)

    def best(self, rows: list[dict[str, float]], rivals: list[bool], confidence: float) -> int:
        """The index of the highest-scoring row; ``rivals[i]``: row i is not the pick."""
        rival = self.rival_weights[tier(confidence)]
        own = self.weights
        top, best = -math.inf, 0
        for i, (f, is_rival) in enumerate(zip(rows, rivals, strict=True)):
            s = score(f, rival if is_rival else own)
            if s > top:
                top, best = s, i
        return best


MODEL = Model.of(load())


def score(features: dict[str, float], weights: dict[str, float]) -> float:
    total: float = sum(map(mul, map(weights.get, features, repeat(0.0)), features.values()))
    return total


def softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(max(-30.0, s - top)) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True, slots=True)
class Spot:
    """The quotation candidates are weighed for, and how sure the rules' pick is."""

    q_open: int  # the opening mark
    q_close: int  # just after the closing mark
    s0: int  # the sentence's start
    confidence: float  # of the rules' pick (0.0: no pick)
    quote_opens: bool  # the quotation opens its sentence
    mixed: bool
    has_cue: bool  # the sentence has a cue word


def features(
    lang: Language,
    text: str,
    m: Mention | None,
    spot: Spot,
    *,
    pick: bool,
    cue_kind: str | None = None,
    cue_adjacent: bool = False,
    cue_near: bool = False,
    subject: bool = False,
    nearest: bool = False,
    described: bool = False,
    between: int = 0,
    cue_between: bool = False,
    subject_nearest: bool = False,
    subject_first: bool = False,
    source_first: bool = False,
) -> dict[str, float]:
    """Binary features of one candidate speaker ``m`` for the quotation at ``spot``.

    ``m`` is None for the rules' pick when it lies outside the sentence (a speaker
    carried from before, or the story's latest speaker)."""
    # what the whole quotation looks like, per kind of row (alone it would cancel out)
    row = "outside" if m is None else "pick" if pick else "other"
    f: dict[str, float] = {}
    if spot.quote_opens:
        f[f"{row}_quote_opens"] = 1.0
    if spot.mixed:
        f[f"{row}_mixed"] = 1.0
    if spot.has_cue:
        f[f"{row}_has_cue"] = 1.0
    if pick:
        f["pick"] = 1.0
        f["pick_" + conf_bucket(spot.confidence)] = 1.0
    if m is None:
        f["outside"] = 1.0
        f["outside_" + conf_bucket(spot.confidence)] = 1.0
        return f
    before = m.end <= spot.q_open
    side = "before" if before else "after"
    dist = spot.q_open - m.end if before else max(0, m.start - spot.q_close)
    f[side] = 1.0
    for limit, name in _DIST_BINS:
        if dist <= limit:
            f[f"{side}_{name}"] = 1.0
            break
    else:
        f[f"{side}_far"] = 1.0
    if nearest:
        f[f"nearest_{side}"] = 1.0
    f[f"{side}_between_{min(between, 2)}"] = 1.0
    if cue_between:
        f[f"{side}_cue_between"] = 1.0
    if subject_nearest:
        f["subject_nearest"] = 1.0
    gap = text[m.end : spot.q_open] if before else text[spot.q_close : m.start]
    if before and "that" in gap and _THAT_RE.search(gap):
        f["that_between"] = 1.0
    if gap.count(",") >= 2:
        f[f"{side}_commas"] = 1.0
    if _WHO_NEXT_RE.match(text, m.end, m.end + 8):
        f["who_next"] = 1.0
    elif _RELATIVE_NEXT_RE.match(text, m.end):
        f["relative_next"] = 1.0  # "an explosion that the mayor described as": an object
    if cue_kind is not None:
        f["cue"] = 1.0
        f["cue_" + cue_kind] = 1.0
        if cue_adjacent:
            f["cue_adjacent"] = 1.0
        if cue_near:
            f["cue_near"] = 1.0
    if subject:
        f["subject"] = 1.0
    # PolNeAR credits the outermost source: "PolitiFact rated 32% of Republican claims
    # as “false”", "Flynn said Trump was right when he said “...”"
    for first, name in ((subject_first, "subject_first"), (source_first, "source_first")):
        if first:
            f[name] = 1.0
            if subject:
                f[name + "_start"] = 1.0
    head = _word_before(text, max(0, m.start - 12), m.start)
    if head.lower() in lang.prepositions:
        f["prep_before"] = 1.0
    elif head == "by":
        f[f"{side}_by_before"] = 1.0  # after: "was called “...” by X", the agent speaks
    elif head in lang.told_words:
        f["told_object"] = 1.0
    if m.text.endswith(_POSSESSIVE_ENDS) or m.text in lang.possessive_determiners:
        f["possessive"] = 1.0
        if speech_noun_after(lang, text, m.end):
            f["possessive_speech"] = 1.0  # "Trump’s claim that ...", "her comments"
        if before and not text[m.end : spot.q_open].strip():
            f["possessive_quote"] = 1.0  # Obama's “if you like your plan ...” promise
    nxt = _VERB_NEXT_RE.match(text, m.end)
    if nxt is not None:
        f["verb_next"] = 1.0
        word = nxt.group(1)
        if word in lang.speech_verbs:
            f["cue_next"] = 1.0
        elif word in lang.opinion_verbs or word in lang.participles:
            f["opinion_next"] = 1.0
        elif word in lang.attribution_hints:
            f["hint_next"] = 1.0  # "X dubbed him", "X refused to": a source more often than not
    if m.start > 0 and text[m.start - 1] == "(":
        f["in_parens"] = 1.0
    if m.pronoun:
        word = m.text.split("’")[0].split("'")[0]
        f["pronoun"] = 1.0
        if word in lang.person_pronouns:
            f["pronoun_person"] = 1.0
        elif word in lang.first_person_pronouns:
            f["pronoun_first"] = 1.0
        elif word in lang.plural_pronouns:
            f["pronoun_plural"] = 1.0
        else:
            f["pronoun_it"] = 1.0
    elif m.text in lang.relative_pronouns:
        f["relative"] = 1.0  # "a headline that said", "the department which reported"
    elif m.name is not None:
        f["name"] = 1.0
        if m.role:
            f["name_role"] = 1.0
    elif described:
        f["described"] = 1.0
    else:
        f["phrase"] = 1.0
        if m.text[:1].islower() and m.text.split()[0] not in lang.determiners:
            f["phrase_lower"] = 1.0
    if m.start - spot.s0 <= 2:
        f["sentence_start"] = 1.0
    word = _word_before(text, max(spot.s0, m.start - 24), m.start, "’'-")
    if word:
        if word in lang.clause_openers:
            f["after_opener"] = 1.0
        elif word.islower():
            f["after_word"] = 1.0  # "replacing it with", "the results of their": an object
            if m.pronoun:
                f["pronoun_object"] = 1.0
    return f


# the confidence a quotation gets when the ranker overrides the rules' pick
OVERRIDE_CONFIDENCE = 0.55
