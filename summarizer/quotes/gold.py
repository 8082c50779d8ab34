"""Gold who-said-what annotations matched against predictions: the scorer's geometry.

Spans are ``(start, end)`` offsets. Gold direct quotes are the quotation-mark spans
(`gold_quote_spans`) that lie 90% inside an annotated content span (`gold_direct`);
a prediction matches one at Jaccard >= 0.5 (`jaccard`), an attribution at containment
(`containment`), and its speaker by mention overlap or name tokens (`speaker_ok`).
Used by `summarizer.evaluate` and the training scripts beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from summarizer.quotes.language import words
from summarizer.quotes.marks import CLOSE, OPEN, STRAIGHT

Span2 = tuple[int, int]
_NAME_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'.\-]*[A-Za-z]")
# the scorer's own lists (how gold names are compared), not the extractor's language
_NON_NAME = words(
    """the a an of and for to in on at by with mr mrs ms dr sen rep gov gen lt col president
    former minister secretary spokesman spokeswoman spokesperson official officials senator
    governor house white state department said says told who he she they it his her their
    u.s us new chief senior campaign party"""
)
MAX_MENTION = 80
MAX_SPEAKER_WORDS = 10


def gold_quote_spans(text: str) -> list[Span2]:
    """Inner spans of quotation marks, paired as the gold convention pairs them."""
    spans: list[Span2] = []
    opened: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n":
            if opened is not None and i - opened > 1:
                spans.append((opened, i))
            opened = None
        elif opened is None:
            if ch in OPEN or ch == STRAIGHT:
                opened = i + 1
        elif ch in OPEN:
            spans.append((opened, i))
            opened = i + 1
        elif ch in CLOSE or ch == STRAIGHT:
            if i > opened:
                spans.append((opened, i))
            opened = None
    if opened is not None and len(text) - opened > 1:
        spans.append((opened, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def alnum_trim(text: str, span: Span2) -> Span2:
    s, e = span
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not text[e - 1].isalnum():
        e -= 1
    return s, e


def overlap(a: Span2, b: Span2) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covered(span: Span2, parts: Sequence[Sequence[int]]) -> int:
    return sum(overlap(span, (p[0], p[1])) for p in parts)


def jaccard(a: Span2, b: Span2) -> float:
    union = max(a[1], b[1]) - min(a[0], b[0])
    value = overlap(a, b) / union if union else 0.0
    return value if value >= 0.5 else 0.0


def containment(a: Span2, b: Span2) -> float:
    inter = overlap(a, b)
    short = min(a[1] - a[0], b[1] - b[0])
    long_ = max(a[1] - a[0], b[1] - b[0])
    value = inter / short if short else 0.0
    return value if value >= 0.5 and inter >= 0.25 * long_ else 0.0


def greedy_pairs(
    golds: Sequence[Span2], preds: Sequence[Span2], fit: Callable[[Span2, Span2], float]
) -> list[tuple[int, int]]:
    """One-to-one pairs, best fit first (ties: later gold, later prediction first)."""
    cands = [
        (v, gi, pi)
        for gi, g in enumerate(golds)
        for pi, p in enumerate(preds)
        if (v := fit(g, p)) > 0
    ]
    cands.sort(reverse=True)
    seen_g: set[int] = set()
    seen_p: set[int] = set()
    pairs = []
    for _v, gi, pi in cands:
        if gi in seen_g or pi in seen_p:
            continue
        seen_g.add(gi)
        seen_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def name_tokens(name: str | None) -> set[str]:
    out = set()
    for tok in _NAME_TOKEN_RE.findall(name or ""):
        low = tok.lower().rstrip(".")
        if len(tok) >= 3 and low not in _NON_NAME:
            out.add(low.removesuffix("'s"))
    return out


_DESCRIPTION_SKIP = words("the a an one two three some several and of for")


def _description_tokens(name: str) -> set[str]:
    return {
        t.lower().rstrip(".")
        for t in _NAME_TOKEN_RE.findall(name or "")
        if len(t) >= 3 and t.lower() not in _DESCRIPTION_SKIP
    }


def resolved_ok(gold_name: str, pred_name: str) -> bool:
    """The resolved speaker names the gold speaker: a shared name token, or, for an
    unnamed source ("White House official"), every word of its description."""
    gold = name_tokens(gold_name)
    if gold:
        return bool(gold & name_tokens(pred_name))
    words = _description_tokens(gold_name)
    return bool(words) and words <= _description_tokens(pred_name)


def speaker_ok(pred: Mapping[str, Any], attr: Mapping[str, Any]) -> bool:
    """Mention overlaps the gold source, or a name token matches the gold speaker; where
    the gold says ``"resolve": true``, only the resolved name counts."""
    source = attr.get("source") or []
    if not source:
        return False
    speaker = pred.get("speaker") or ""
    if len(speaker.split()) > MAX_SPEAKER_WORDS:
        return False
    if attr.get("resolve") and attr.get("speaker"):
        return resolved_ok(attr["speaker"], speaker)
    ms, me = pred.get("speaker_start"), pred.get("speaker_end")
    if (
        isinstance(ms, int)
        and isinstance(me, int)
        and 0 < me - ms <= MAX_MENTION
        and covered((ms, me), source) > 0
    ):
        return True
    if attr.get("speaker") and speaker:
        return bool(name_tokens(attr["speaker"]) & name_tokens(speaker))
    return bool(name_tokens(attr.get("source_text", "")) & name_tokens(speaker))


def gold_direct(article: Mapping[str, Any]) -> list[tuple[Span2, Mapping[str, Any]]]:
    """The article's gold direct quotes (trimmed spans), each with its attribution."""
    text = article["text"]
    out = []
    for raw in gold_quote_spans(text):
        span = alnum_trim(text, raw)
        if span[1] <= span[0]:
            continue
        for attr in article["attributions"]:
            if covered(span, attr["content"]) >= 0.9 * (span[1] - span[0]):
                out.append((span, attr))
                break
    return out
