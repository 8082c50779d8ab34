"""Retrain the short-quotation model (short_quotes.json) from PolNeAR-style data.

    python -m summarizer.quotes.train_short TRAIN.jsonl [-o summarizer/quotes/short_quotes.json]

Every quotation of at most ``short.SHORT_MAX`` words that the extractor meets
is a training example; it is positive when it matches (Jaccard >= 0.5 after
trimming, as the scorer matches) a gold direct quote: a quotation-mark span
inside an annotated content span. Logistic regression, L2-regularised, fitted
by full-batch gradient descent in pure Python from zero weights, so the result
is deterministic. Not used at run time. See summarizer/MODEL_CARD.md.
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

Example = tuple[dict[str, float], int]


def examples(path: Path) -> list[Example]:
    out: list[Example] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.extend(article_examples(json.loads(line)))
    return out


def article_examples(art: dict[str, Any]) -> list[Example]:
    """One article's short quotations, each with its features and whether it is gold."""
    text = art["text"]
    gold = [span for span, _ in gold_direct(art)]
    ex = Extractor(text)
    ex.collect = []
    ex.run()
    out: list[Example] = []
    for start, end, feats in ex.collect:
        span = alnum_trim(text, (start, end))
        positive = any(jaccard(span, g) > 0 for g in gold)
        out.append((feats, int(positive)))
    return out


def fit(
    data: list[Example], *, epochs: int = 3000, rate: float = 0.5, l2: float = 1e-3
) -> dict[str, float]:
    names = short.FEATURES
    w = dict.fromkeys(names, 0.0)
    n = len(data)
    for _ in range(epochs):
        grad = dict.fromkeys(names, 0.0)
        for feats, y in data:
            z = sum(w[k] * v for k, v in feats.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for k, v in feats.items():
                if v:
                    grad[k] += (p - y) * v
        for k in names:
            w[k] -= rate * (grad[k] / n + l2 * w[k])
    return {k: round(v, 4) for k, v in w.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path)
    ap.add_argument(
        "-o", "--output", type=Path, default=Path(short.__file__).with_name("short_quotes.json")
    )
    ap.add_argument("--epochs", type=int, default=3000)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args(argv)
    data = examples(args.train)
    weights = fit(data, epochs=args.epochs)
    pos = sum(y for _, y in data)
    model = {
        "about": "summarizer.quotes.short: keep a short quotation? trained by train_short.py",
        "trained_on": args.train.name,
        "examples": len(data),
        "positives": pos,
        "threshold": args.threshold,
        "weights": weights,
    }
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data)} examples ({pos} positive) -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
