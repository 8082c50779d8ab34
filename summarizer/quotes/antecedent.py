"""Whom a pronoun or a definite description stands for: a small learned chooser.

The resolver's rules (resolve.py) pick one antecedent for "he", "she", "it", "they" and
"the official": the latest salient person of matching gender, the latest named body, the
latest source whose words the description repeats. This module weighs that pick against
the story's other recent speakers (and, for "it", "they" and descriptions, against
keeping the mention as a speaker of its own) with a conditional logit over a few
features of each candidate: how recently and how often the story named it, whether it
was a sentence subject, gender agreement, same paragraph, the description's words in its
name or role. The scoring is the speaker ranker's (`rank.score`); the weights are
``speaker_antecedent.json`` next to this file, trained by ``train_antecedent.py`` (see
summarizer/MODEL_CARD.md). Without the file the rules' pick stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from summarizer.quotes import rank

WEIGHTS_PATH = Path(__file__).with_name("speaker_antecedent.json")
MAX_CANDIDATES = 8  # the latest speakers weighed: resolution stays linear in the story

_DIST_BINS = ((300, "d300"), (1000, "d1000"), (3000, "d3000"))


class Candidate(Protocol):
    """What the chooser reads of a speaker (resolve.Speaker)."""

    name: str
    role: str | None
    anonymous: bool
    person: bool
    gender: str | None
    count: int
    first_at: int
    last_at: int
    subject_at: int
    pronoun_at: int


@dataclass(frozen=True, slots=True)
class Context:
    """The mention being resolved and what the story knows around it."""

    kind: str  # "p" he/she, "b" it/they
    at: int  # the mention's start
    para_start: int  # where the mention's paragraph starts
    prev_para_start: int  # where the paragraph before it starts (-1: none)
    gender: str | None  # the pronoun's ("f"/"m"), None for it/they
    plural: bool  # "they"


def load(path: Path = WEIGHTS_PATH) -> rank.Model:
    """The chooser's weights as a ranker model (empty: the rules decide alone)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {k: float(v) for k, v in data["weights"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        weights = {}
    return rank.Model.of(weights)


MODEL = load()


def _bucket(value: int, bins: tuple[tuple[int, str], ...], last: str) -> str:
    for limit, name in bins:
        if value <= limit:
            return name
    return last


def features(
    ctx: Context,
    sp: Candidate | None,
    *,
    rule: bool,
    recency: int,
    subject_rank: int,
    body: bool,
) -> dict[str, float]:
    """Binary features of one candidate antecedent; ``sp`` None is the pronoun standing
    for itself ("it": the weather, a fact). ``recency``: 0 for the candidate named
    latest; ``subject_rank``: 0 for the latest sentence subject (-1: not a recent
    subject); ``body``: a named organisation."""
    k = ctx.kind + ":"
    f: dict[str, float] = {}
    if rule:
        f[k + "rule"] = 1.0
    if sp is None:
        f[k + "self"] = 1.0
        if ctx.plural:
            f[k + "self_plural"] = 1.0
        return f
    f[k + f"r{min(recency, 3)}"] = 1.0
    if subject_rank >= 0:
        f[k + f"s{min(subject_rank, 2)}"] = 1.0
    dist = max(0, ctx.at - sp.last_at)
    f[k + _bucket(dist, _DIST_BINS, "far")] = 1.0
    if sp.last_at >= ctx.para_start:
        f[k + "same_para"] = 1.0
    elif sp.last_at >= ctx.prev_para_start >= 0:
        f[k + "prev_para"] = 1.0
    if ctx.para_start <= sp.pronoun_at < ctx.at:
        f[k + "pronoun_para"] = 1.0  # "he" in this paragraph already stood for them
    f[k + ("n1" if sp.count <= 1 else "n3" if sp.count <= 3 else "n4")] = 1.0
    if sp.role:
        f[k + "role"] = 1.0
    if sp.first_at == 0 or (sp.count >= 4 and sp.first_at < ctx.para_start):
        f[k + "early"] = 1.0
    kind = "person" if sp.person else "anon" if sp.anonymous else "body" if body else "other"
    f[k + kind] = 1.0
    if ctx.gender is not None:
        f[
            k + ("g_none" if sp.gender is None else "g_ok" if sp.gender == ctx.gender else "g_no")
        ] = 1.0
    if ctx.plural and sp.name.split()[-1].endswith("s"):
        f[k + "plural_name"] = 1.0  # "they": "Democrats", "the doctors"
    return f


def best(rows: list[dict[str, float]], rule: int) -> int:
    """The index of the highest-scoring row; the rules' pick (row ``rule``) on ties."""
    weights = MODEL.weights
    top, index = rank.score(rows[rule], weights), rule
    for i, f in enumerate(rows):
        s = rank.score(f, weights)
        if s > top + 1e-12:
            top, index = s, i
    return index
