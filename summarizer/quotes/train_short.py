"""Retrain the speech/not-speech model for short quotations (short_quotes.json).

    python -m summarizer.quotes.train_short TRAIN.jsonl [MORE.jsonl ...] \
        [-o summarizer/quotes/short_quotes.json] [--threshold 0.65]

Every quotation of at most ``short.SHORT_MAX`` words that the extractor meets
is a training example; it is positive when it matches (any overlap after
trimming) a gold direct quote: a quotation-mark span inside an annotated
content span. An article annotated for its non-speech quotation marks as well
(a ``not_speech`` list: titles, nicknames, terms, scare quotes; the real-news
gold) counts ``REAL_WEIGHT`` times: there every quotation was judged, while a
PolNeAR quotation outside every annotated span is only presumed not to be
speech. Logistic regression, L2-regularised, fitted by full-batch gradient
descent in pure Python from zero weights, so the result is deterministic.
Not used at run time. See summarizer/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from summarizer.quotes import short
from summarizer.quotes.extract import Extractor
from summarizer.quotes.gold import alnum_trim, gold_direct, jaccard

Example = tuple[dict[str, float], int, float]
REAL_WEIGHT = 5.0
EPOCHS = 3000


def examples(path: Path) -> list[Example]:
    out: list[Example] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.extend(article_examples(json.loads(line)))
    return out


def article_examples(art: dict[str, Any]) -> list[Example]:
    """One article's short quotations: features, whether it is gold, and its weight."""
    text = art["text"]
    gold = [span for span, _ in gold_direct(art)]
    weight = REAL_WEIGHT if "not_speech" in art else 1.0
    ex = Extractor(text)
    ex.collect = []
    ex.run()
    out: list[Example] = []
    for start, end, feats in ex.collect:
        span = alnum_trim(text, (start, end))
        positive = any(jaccard(span, g) > 0 for g in gold)
        out.append((feats, int(positive), weight))
    return out


def fit(
    data: list[Example], *, epochs: int = EPOCHS, rate: float = 0.5, l2: float = 1e-3
) -> dict[str, float]:
    """Weighted logistic regression; examples with the same features are one row, so an
    epoch costs the distinct rows, not the examples (the same gradient)."""
    names = short.FEATURES
    index = {k: i for i, k in enumerate(names)}
    rows: dict[tuple[tuple[int, float], ...], list[float]] = {}
    for feats, y, weight in data:
        key = tuple(sorted((index[k], v) for k, v in feats.items() if v and k in index))
        pos_neg = rows.setdefault(key, [0.0, 0.0])
        pos_neg[0 if y else 1] += weight
    n = sum(p + q for p, q in rows.values())
    w = [0.0] * len(names)
    for _ in range(epochs):
        grad = [0.0] * len(names)
        for key, (pos, neg) in rows.items():
            z = sum(w[i] * v for i, v in key)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p * (pos + neg) - pos
            for i, v in key:
                grad[i] += g * v
        for i in range(len(names)):
            w[i] -= rate * (grad[i] / n + l2 * w[i])
    return {k: round(w[i], 4) for k, i in index.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path, nargs="+")
    ap.add_argument(
        "-o", "--output", type=Path, default=Path(short.__file__).with_name("short_quotes.json")
    )
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args(argv)
    data = [e for path in args.train for e in examples(path)]
    weights = fit(data, epochs=args.epochs)
    pos = sum(y for _, y, _ in data)
    model = {
        "about": "summarizer.quotes.short: is a short quotation speech? trained by train_short.py",
        "trained_on": [path.name for path in args.train],
        "examples": len(data),
        "positives": pos,
        "real_weight": REAL_WEIGHT,
        "epochs": args.epochs,
        "threshold": args.threshold,
        "weights": weights,
    }
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data)} examples ({pos} positive) -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
