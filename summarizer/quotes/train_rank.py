"""Retrain the speaker ranker (speaker_rank.json) from PolNeAR-style data.

    python -m summarizer.quotes.train_rank TRAIN.jsonl [MORE.jsonl ...] [-o speaker_rank.json]

Every quotation the extractor keeps that matches a gold direct quote with a
source (Jaccard >= 0.5 after trimming, as the scorer matches) is one training
group: the rules' pick and every candidate mention of its sentence, each
labelled right when it would score as the right speaker (its mention overlaps
the gold source, or a name token matches). Groups where every candidate or none
is right teach nothing and are left out. Conditional logit (softmax over the
group), L2-regularised, full-batch gradient descent with Adam from zero
weights in pure Python: deterministic. Not used at run time. See
summarizer/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from summarizer.quotes import rank
from summarizer.quotes.extract import Extractor
from summarizer.quotes.gold import alnum_trim, gold_direct, jaccard, speaker_ok

Group = tuple[list[dict[str, float]], list[int]]


def groups(path: Path) -> list[Group]:
    out: list[Group] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.extend(article_groups(json.loads(line)))
    return out


def article_groups(art: dict[str, object]) -> list[Group]:
    """One article's training groups (the rules' own picks: collecting never asks a model)."""
    text = str(art["text"])
    gold = gold_direct(art)
    ex = Extractor(text)
    ex.rank_collect = []
    ex.run()
    out: list[Group] = []
    for start, end, name, pick, rows, feats in ex.rank_collect:
        span = alnum_trim(text, (start, end))
        fits = [(jaccard(span, g), attr) for g, attr in gold]
        best, attr = max(fits, key=lambda x: x[0], default=(0.0, None))
        if not best or attr is None or not attr.get("source"):
            continue
        labels = []
        for row in rows:
            if row is None:
                pred = {
                    "speaker": name,
                    "speaker_start": pick.start if pick is not None else None,
                    "speaker_end": pick.end if pick is not None else None,
                }
            else:
                pred = {"speaker": row[2] or "", "speaker_start": row[0], "speaker_end": row[1]}
            labels.append(int(speaker_ok(pred, attr)))
        if 0 < sum(labels) < len(labels):
            out.append((feats, labels))
    return out


def fit(
    data: list[Group], *, epochs: int, rate: float = 0.05, l2: float = 1e-3
) -> dict[str, float]:
    names = sorted({k for feats, _ in data for f in feats for k in f})
    w = dict.fromkeys(names, 0.0)
    m1 = dict.fromkeys(names, 0.0)
    m2 = dict.fromkeys(names, 0.0)
    n = len(data)
    for step in range(1, epochs + 1):
        grad = dict.fromkeys(names, 0.0)
        for feats, labels in data:
            p = rank.softmax([rank.score(f, w) for f in feats])
            right = sum(pi for pi, y in zip(p, labels, strict=True) if y)
            for f, pi, y in zip(feats, p, labels, strict=True):
                g = pi - (pi / right if y else 0.0)
                if g:
                    for k, v in f.items():
                        grad[k] += g * v
        for k in names:
            g = grad[k] / n + l2 * w[k]
            m1[k] = 0.9 * m1[k] + 0.1 * g
            m2[k] = 0.999 * m2[k] + 0.001 * g * g
            hat1 = m1[k] / (1 - 0.9**step)
            hat2 = m2[k] / (1 - 0.999**step)
            w[k] -= rate * hat1 / (math.sqrt(hat2) + 1e-8)
    return {k: round(v, 4) for k, v in w.items() if abs(v) >= 1e-4}


def accuracy(data: list[Group], w: dict[str, float]) -> float:
    right = 0
    for feats, labels in data:
        scores = [rank.score(f, w) for f in feats]
        right += labels[max(range(len(scores)), key=scores.__getitem__)]
    return right / len(data) if data else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path, nargs="+", help="gold JSONL files, pooled")
    ap.add_argument(
        "-o", "--output", type=Path, default=Path(rank.__file__).with_name("speaker_rank.json")
    )
    ap.add_argument("--epochs", type=int, default=300)
    args = ap.parse_args(argv)
    data = [g for path in args.train for g in groups(path)]  # the rules' own picks
    pick_only = {"pick": 1.0}
    weights = fit(data, epochs=args.epochs)
    print(
        f"{len(data)} groups; picks right {accuracy(data, pick_only):.3f}, "
        f"ranker right {accuracy(data, weights):.3f}"
    )
    model = {
        "about": "summarizer.quotes.rank: which mention speaks? trained by train_rank.py",
        "trained_on": " + ".join(path.name for path in args.train),
        "groups": len(data),
        "weights": weights,
    }
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"-> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
