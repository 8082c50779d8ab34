"""Train the bullet scorer (summarizer/bullet_score.json), cross-validated.

    python -m summarizer.train_bullets --real REAL.jsonl --polnear TRAIN.jsonl \\
        --scorer ../shared/tools/score_quotes.py [-o summarizer/bullet_score.json] [--folds 5]

Every quote a briefing could show (after names of one person are grouped and
fragments widened to their clause, exactly as ``summarizer.bullets`` does) is
one example, labelled right when the shared scorer's ``--bullets`` rule would
accept it: an annotated attribution of the person the bullet names. Examples
come from the real-news articles (judged by the resolved name) and PolNeAR
train (judged by the annotated source's words; where that source is only a
pronoun, a bullet naming someone cannot be judged and is left out).
L2-regularised logistic regression, Adam from zero weights, pure Python and
deterministic; identical feature vectors are merged first, so it takes seconds.

The two cut-offs (a bullet's least sure quote; a second quote) are chosen by
k-fold cross-validation over the real-news articles, the folds split by
article: each fold's bullets are composed by a model trained without that
fold's articles, and scored with the shared scorer. The cross-validated scores
are printed and stored in the JSON. Not used at run time; the scorer is read
by path only here (``--scorer``), never shipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from summarizer import extract_quotes
from summarizer.bullet_score import StoryFacts, features
from summarizer.bullets import _MIN_CONFIDENCE, _in_context, _name_and_role, make_bullets
from summarizer.speaker_names import group_names, looks_like_name

Example = tuple[frozenset[str], int]
_GRID_BULLET = (0.0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
_GRID_SECOND = (0.7, 0.9, 1.01)  # 1.01: one quote a bullet
_WRONG_COST = 5.0  # a wrong bullet costs five right ones: readers see it, and trust goes


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def examples(article: dict[str, Any], sq: ModuleType, *, resolved: bool) -> list[Example]:
    """One example per quote a bullet could show, labelled by the scorer's bullet rule."""
    text = str(article["text"])
    g_direct, g_units = sq.gold_units(article)
    quotes = [q for q in _quotes(text) if q.speaker and q.confidence >= _MIN_CONFIDENCE]
    canon = group_names(q.speaker or "" for q in quotes)
    groups: dict[str, list[Any]] = {}
    for q in quotes:
        groups.setdefault(canon[q.speaker or ""], []).append(q)
    facts = StoryFacts.of(text)
    out = []
    for name, group in groups.items():
        speaker, role = _name_and_role(name, group, text)
        for q in group:
            shown = _in_context(q, group, text)
            feats = features(shown, q, speaker, role, len(group), facts)
            label = _right(sq, text, g_direct, g_units, shown, speaker, resolved)
            if label is not None:
                out.append((frozenset(k for k, v in feats.items() if v), int(label)))
    return out


def _right(
    sq: ModuleType,
    text: str,
    g_direct: list[Any],
    g_units: list[Any],
    shown: Any,
    speaker: str,
    resolved: bool,
) -> bool | None:
    """Whether the bullet rule accepts ``shown`` under ``speaker``; None when the gold
    cannot say (PolNeAR gives "he" as the source and no resolved name)."""
    span = (shown.start, shown.end)
    pool = g_direct if shown.kind.value in ("direct", "mixed") else []
    hit = next((g for g in pool if sq.jaccard_ok(g["span"], sq.trim(text, *span))), None)
    if hit is None:
        hit = next((g for g in g_units if sq.containment_ok(g["span"], span)), None)
    if hit is None:
        return False
    attr = hit["attr"]
    if not resolved:
        source = str(attr.get("source_text") or "")
        if not attr.get("source"):
            return False
        if not sq.name_tokens(source) and set(source.lower().split()) <= _PRONOUNS:
            # the gold names no one; a bullet that names no one is wrong, a name unknown
            return False if not looks_like_name(speaker) else None
        attr = {**attr, "speaker": source}
    return bool(sq.speaker_right({"speaker": speaker}, {**attr, "resolve": True}, text))


_PRONOUNS = frozenset(
    ["he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "their", "its"]
)


def fit(data: Iterable[Example], *, l2: float = 1.0, steps: int = 400) -> dict[str, float]:
    """L2-regularised logistic regression by full-batch Adam, from zero weights."""
    merged: dict[frozenset[str], list[int]] = {}
    for feats, label in data:
        counts = merged.setdefault(feats, [0, 0])
        counts[label] += 1
    rows = list(merged.items())
    n = sum(neg + pos for _, (neg, pos) in rows) or 1
    names = sorted({k for feats, _ in rows for k in feats})
    w = dict.fromkeys(names, 0.0)
    m = dict.fromkeys(names, 0.0)
    v = dict.fromkeys(names, 0.0)
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        grad = {k: (0.0 if k == "bias" else l2 * w[k] / n) for k in names}
        for feats, (neg, pos) in rows:
            z = sum(w[k] for k in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p * (neg + pos) - pos) / n
            for k in feats:
                grad[k] += g
        for k in names:
            m[k] = b1 * m[k] + (1 - b1) * grad[k]
            v[k] = b2 * v[k] + (1 - b2) * grad[k] * grad[k]
            w[k] -= lr * (m[k] / (1 - b1**t)) / (math.sqrt(v[k] / (1 - b2**t)) + eps)
    return {k: round(val, 4) for k, val in sorted(w.items()) if abs(val) >= 1e-4}


def score_bullets(
    sq: ModuleType, articles: list[dict[str, Any]], compose: Callable[[str], list[Any]]
) -> dict[str, Any]:
    """The shared scorer's --bullets report for ``compose``'s bullets on ``articles``."""
    with tempfile.TemporaryDirectory() as tmp:
        gold, pred = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        with gold.open("w", encoding="utf-8") as g, pred.open("w", encoding="utf-8") as p:
            for art in articles:
                g.write(json.dumps(art, ensure_ascii=False) + "\n")
                bullets = [
                    {
                        "speaker": b.speaker,
                        "role": b.speaker_role,
                        "quotes": [
                            {"start": q.start, "end": q.end, "kind": q.kind.value} for q in b.quotes
                        ],
                    }
                    for b in compose(str(art["text"]))
                ]
                p.write(json.dumps({"id": art["id"], "bullets": bullets}) + "\n")
        return dict(sq.score_bullets(str(gold), str(pred)))


_QUOTES: dict[str, list[Any]] = {}


def _quotes(text: str) -> list[Any]:
    """The extractor's quotes, once per article however many models are tried."""
    if text not in _QUOTES:
        _QUOTES[text] = extract_quotes(text)
    return _QUOTES[text]


def compose_with(weights: Mapping[str, float], bullet: float, second: float) -> Any:
    def compose(text: str) -> list[Any]:
        return list(
            make_bullets(
                _quotes(text),
                max_bullets=4,
                text=text,
                weights=weights,
                cut={"bullet": bullet, "second": second},
            )
        )

    return compose


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real", type=Path, required=True, help="real-news articles with gold")
    ap.add_argument("--polnear", type=Path, help="PolNeAR train (more examples)")
    ap.add_argument("--scorer", type=Path, required=True, help="shared score_quotes.py")
    ap.add_argument(
        "-o", "--output", type=Path, default=Path(__file__).with_name("bullet_score.json")
    )
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    sq = load_scorer(args.scorer)
    real = read_jsonl(args.real)
    real_ex = [examples(a, sq, resolved=True) for a in real]
    pol_ex: list[Example] = []
    if args.polnear:
        for a in read_jsonl(args.polnear):
            pol_ex.extend(examples(a, sq, resolved=False))
    print(
        f"examples: real {sum(map(len, real_ex))} from {len(real)} articles, polnear {len(pol_ex)}"
    )
    # cross-validation: per fold, a model without the fold; every cut-off pair scored
    totals: dict[tuple[float, float], list[int]] = {}
    for k in range(args.folds):
        held = [a for i, a in enumerate(real) if i % args.folds == k]
        train = [e for i, ex in enumerate(real_ex) if i % args.folds != k for e in ex]
        weights = fit([*train, *pol_ex])
        for bullet in _GRID_BULLET:
            for second in _GRID_SECOND:
                rep = score_bullets(sq, held, compose_with(weights, bullet, second))
                t = totals.setdefault((bullet, second), [0, 0, 0])
                t[0] += rep["bullets"]
                t[1] += rep["right"]
                t[2] += rep["speaker_split_over_bullets"]
    best = max(totals, key=lambda c: totals[c][1] - _WRONG_COST * (totals[c][0] - totals[c][1]))
    for cut, (n, right, split) in sorted(totals.items()):
        mark = " <" if cut == best else ""
        print(
            f"bullet>={cut[0]:.2f} second>={cut[1]:.2f}: {right}/{n} = {right / max(1, n):.3f}"
            f" split {split}{mark}"
        )
    n, right, split = totals[best]
    weights = fit([e for ex in real_ex for e in ex] + pol_ex)
    model = {
        "about": "summarizer.bullet_score: is this bullet quote that person's words? "
        "trained by summarizer/train_bullets.py",
        "trained_on": [args.real.name, *([args.polnear.name] if args.polnear else [])],
        "cross_validated": {
            "folds": args.folds,
            "bullets": n,
            "right": right,
            "precision": round(right / max(1, n), 4),
            "speaker_split_over_bullets": split,
        },
        "thresholds": {"bullet": best[0], "second": best[1]},
        "weights": weights,
    }
    args.output.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"chosen: {best}; cross-validated {right}/{n} = {right / max(1, n):.3f}",
        f"wrote {args.output}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
