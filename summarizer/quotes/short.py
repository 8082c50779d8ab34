"""Keep or drop a short quotation (six words or fewer): speech, or a scare quote / title?

A logistic regression over a few features of the quotation and its context,
trained on PolNeAR train by ``summarizer/quotes/train_short.py`` (see
summarizer/MODEL_CARD.md); the weights are ``short_quotes.json`` next to this
file. Pure Python, deterministic, a dot product per short quotation.
"""

from __future__ import annotations

import json
import math
from itertools import repeat
from operator import mul
from pathlib import Path

SHORT_MAX = 6
FEATURES = (
    "bias",
    "words_1",
    "words_2",
    "words_3",
    "words_4_6",
    "title",
    "title_case",
    "first_upper",
    "mixed",
    "conf_adjacent",
    "conf_before",
    "conf_after",
    "conf_tag",
    "conf_subject",
    "conf_carry",
    "conf_none",
    "sentence_has_cue",
    "prev_naming",
    "prev_determiner",
    "prev_cue",
    "prev_preposition",
    "prev_colon",
    "sentence_start",
    "ends_with_punct",
    "has_digit",
    "all_caps",
    "next_noun_like",
    "one_word_unattributed",
    "title_case_no_cue",
    "short_guess",
    "lower_no_cue",
    "named_passive",
    "named_term",
    "named_active",
    "cue_far",
    "repeated_unquoted",
    "head_topical",
    "repeated",
    "in_list",
    "list_intro",
    "clause_words",
    "in_parens",
)
_WEIGHTS_PATH = Path(__file__).with_name("short_quotes.json")


def _load() -> tuple[dict[str, float], float]:
    try:
        data = json.loads(_WEIGHTS_PATH.read_text(encoding="utf-8"))
        weights = {k: float(v) for k, v in data["weights"].items()}
        return weights, float(data.get("threshold", 0.5))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, 0.5  # no model: keep every short quotation


WEIGHTS, THRESHOLD = _load()


def score(features: dict[str, float]) -> float:
    """Probability that the quotation is attributed speech."""
    if not WEIGHTS:
        return 1.0
    z = sum(map(mul, map(WEIGHTS.get, features, repeat(0.0)), features.values()))
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def keep(features: dict[str, float]) -> bool:
    return score(features) >= THRESHOLD
