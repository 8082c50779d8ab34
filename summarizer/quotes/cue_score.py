"""Report it or not: does a cue left without a quotation introduce reported speech?

"Omar pleaded guilty to ...", "Epstein was found dead", "NASA added smaller landers":
words that report speech in one sentence do not in another. Before the extractor
emits the clause after (or before) such a cue as an indirect attribution, a logistic
regression over sparse features of the cue, its complement and its subject says how
likely the clause is an annotated attribution. Trained on PolNeAR train (plus the
real-news folds under cross-validation) by ``summarizer/quotes/train_cues.py`` (see
summarizer/MODEL_CARD.md); the weights are ``cue_score.json`` next to this file. Pure
Python, deterministic: a dozen dictionary look-ups per cue.
"""

from __future__ import annotations

import json
import math
import re
from itertools import repeat
from operator import mul
from pathlib import Path

from summarizer.quotes.cues import Cue
from summarizer.quotes.language import Language
from summarizer.quotes.speakers import Attr

_WEIGHTS_PATH = Path(__file__).with_name("cue_score.json")
_WORD_RE = re.compile(r"[\w’'.\-]+|[^\w\s]")
_LENGTH_BINS = ((3, "1_3"), (8, "4_8"), (20, "9_20"), (40, "21_40"))


def _load() -> tuple[dict[str, float], float]:
    try:
        data = json.loads(_WEIGHTS_PATH.read_text(encoding="utf-8"))
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        return weights, float(data.get("threshold", 0.5))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, 0.5  # no model: report every cue, as the rules alone did


WEIGHTS, THRESHOLD = _load()


def _shape(word: str) -> str:
    """A word as a feature: lower-case words as they are, others by their shape."""
    if not word:
        return "END"
    if word[0].isdigit():
        return "NUM"
    if word[0].isupper():
        return "CAP"
    if not word[0].isalnum():
        return word[0]
    return word.lower()


def features(
    lang: Language, text: str, c: Cue, attr: Attr, start: int, end: int, s0: int
) -> dict[str, float]:
    """Sparse features of cue ``c`` reporting ``text[start:end]`` in the sentence at ``s0``."""
    word = c.word.lower()
    # the two words after the cue: two searches, not every word of the next 40 characters
    after = []
    if (a1 := _WORD_RE.search(text, c.end, min(len(text), c.end + 40))) is not None:
        after.append(a1.group())
        if (a2 := _WORD_RE.search(text, a1.end(), min(len(text), c.end + 40))) is not None:
            after.append(a2.group())
    before = _WORD_RE.findall(text, max(s0, c.start - 30), c.start)
    content = _WORD_RE.findall(text, start, end)
    n1 = _shape(after[0]) if after else "END"
    p1 = _shape(before[-1]) if before else "START"
    f = {
        "bias": 1.0,
        "w=" + word: 1.0,
        "kind=" + c.kind: 1.0,
        "n1=" + n1: 1.0,
        "w+n1=" + word + "_" + n1: 1.0,
        "p1=" + p1: 1.0,
        "c1=" + (_shape(content[0]) if content else "END"): 1.0,
        "len=" + _length_bin(len(content)): 1.0,
        "tense=" + _tense(word): 1.0,
    }
    if len(after) > 1:
        f["n2=" + _shape(after[1])] = 1.0
    if c.inverted:
        f["inverted"] = 1.0
    if end <= c.start:
        f["front"] = 1.0  # "..., a source said": the content came first
    if not lang.finite_verbs.isdisjoint(map(str.lower, content)):
        f["c_finite"] = 1.0
    if any(w in lang.negations for w in (w.lower() for w in before[-3:])):
        f["negated"] = 1.0
    if any(ch in text[start:end] for ch in "\u201c\u201d\"'"):
        f["c_quote"] = 1.0
    mention = attr.mention
    if mention is not None:
        if mention.pronoun:
            f["m_pronoun"] = 1.0
        elif mention.name:
            f["m_name"] = 1.0
        else:
            f["m_description"] = 1.0
        if mention.role:
            f["m_role"] = 1.0
        gap = text[mention.end : c.start] if mention.end <= c.start else ""
        f["m_gap=" + _length_bin(len(gap.split()))] = 1.0
        if mention.start >= c.end and p1 in lang.be_forms:
            f["passive_agent"] = 1.0  # "was asked by a caller": the agent speaks
    if attr.resolved.anonymous:
        f["m_anonymous"] = 1.0
    if c.start - s0 < 3:
        f["sentence_start"] = 1.0
    return f


def _length_bin(n: int) -> str:
    if n == 0:
        return "0"
    for top, name in _LENGTH_BINS:
        if n <= top:
            return name
    return "41_"


def _tense(word: str) -> str:
    if word.endswith("ing"):
        return "ing"
    if word.endswith("ed"):
        return "ed"
    if word.endswith("s"):
        return "s"
    return "other"


def score(feats: dict[str, float]) -> float:
    """Probability that the cue's clause is an annotated attribution."""
    if not WEIGHTS:
        return 1.0
    z = sum(map(mul, map(WEIGHTS.get, feats, repeat(0.0)), feats.values()))
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def keep(feats: dict[str, float]) -> bool:
    return score(feats) >= THRESHOLD
