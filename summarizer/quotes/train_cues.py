"""Retrain the cue model (cue_score.json) from PolNeAR-style gold files.

    python -m summarizer.quotes.train_cues TRAIN.jsonl [MORE.jsonl ...] [-o cue_score.json]

Every indirect attribution the rules would emit for a cue left without a quotation
is one example: positive when it would score as right end to end, its span matching an
annotated content span the way the shared scorer matches attributions (overlap at
least half of the shorter and a quarter of the longer span) and its speaker that
attribution's source (``summarizer.evaluate.speaker_ok``). Articles annotated by the
real-news guide weigh ``REAL_NEWS_WEIGHT`` times as much as PolNeAR's. Features that
occur fewer than ``--min-count`` times are dropped. Logistic regression, L2-regularised, full-batch
gradient descent with Adam from zero weights in pure Python: deterministic. Not used
at run time. See summarizer/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summarizer.quotes import cue_score
from summarizer.quotes.extract import Extractor
from summarizer.quotes.gold import containment, speaker_ok

Example = tuple[dict[str, float], int, float]
# how much one example of an article annotated by the real-news guide weighs against one
# of PolNeAR's: its annotators left out mere actions and perception ("pleaded guilty",
# "found dead", "expressed confidence") that PolNeAR's count, and 40 articles would
# otherwise be drowned by 840
REAL_NEWS_WEIGHT = 20.0


def examples(path: Path) -> list[Example]:
    out: list[Example] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.extend(article_examples(json.loads(line)))
    return out


def article_examples(art: Mapping[str, Any]) -> list[Example]:
    """One article's cue clauses, each with its features and whether it is gold."""
    text = str(art["text"])
    units = [
        ((a["content"][0][0], a["content"][-1][1]), a) for a in art["attributions"] if a["content"]
    ]
    # the real-news guide lists every non-speech quotation; PolNeAR files have no such list
    weight = REAL_NEWS_WEIGHT if "not_speech" in art else 1.0
    ex = Extractor(text)
    ex.cue_collect = []
    ex.run()
    out: list[Example] = []
    for s, e, feats, attr in ex.cue_collect:
        pred = {
            "speaker": attr.resolved.name,
            "speaker_start": attr.mention.start if attr.mention else None,
            "speaker_end": attr.mention.end if attr.mention else None,
        }
        right = any(containment((s, e), span) and speaker_ok(pred, gold) for span, gold in units)
        out.append((feats, int(right), weight))
    return out


def fit(
    data: list[Example],
    *,
    epochs: int = 150,
    rate: float = 0.05,
    l2: float = 1e-3,
    min_count: int = 3,
) -> dict[str, float]:
    seen = Counter(k for feats, _, _ in data for k in feats)
    names = sorted(k for k, n in seen.items() if n >= min_count or k == "bias")
    kept = [
        ({k: v for k, v in feats.items() if seen[k] >= min_count}, y, weight)
        for feats, y, weight in data
    ]
    w = dict.fromkeys(names, 0.0)
    m1 = dict.fromkeys(names, 0.0)
    m2 = dict.fromkeys(names, 0.0)
    n = sum(weight for _, _, weight in kept) or 1.0
    for step in range(1, epochs + 1):
        grad = dict.fromkeys(names, 0.0)
        for feats, y, weight in kept:
            z = sum(w[k] * v for k, v in feats.items())
            g = (1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - y) * weight
            for k, v in feats.items():
                grad[k] += g * v
        for k in names:
            g = grad[k] / n + l2 * w[k]
            m1[k] = 0.9 * m1[k] + 0.1 * g
            m2[k] = 0.999 * m2[k] + 0.001 * g * g
            hat1 = m1[k] / (1 - 0.9**step)
            hat2 = m2[k] / (1 - 0.999**step)
            w[k] -= rate * hat1 / (math.sqrt(hat2) + 1e-8)
    return {k: round(v, 4) for k, v in w.items() if abs(v) >= 1e-3}


def accuracy(data: list[Example], weights: dict[str, float], threshold: float) -> float:
    right = 0
    for feats, y, _ in data:
        z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
        right += (z >= math.log(threshold / (1 - threshold))) == bool(y)
    return right / len(data) if data else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path, nargs="+", help="gold JSONL files, pooled")
    ap.add_argument(
        "-o", "--output", type=Path, default=Path(cue_score.__file__).with_name("cue_score.json")
    )
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--threshold", type=float, default=0.4)
    args = ap.parse_args(argv)
    data = [x for path in args.train for x in examples(path)]
    weights = fit(data, epochs=args.epochs)
    pos = sum(y for _, y, _ in data)
    print(
        f"{len(data)} examples ({pos} positive); all kept right {pos / max(1, len(data)):.3f}, "
        f"model right {accuracy(data, weights, args.threshold):.3f}"
    )
    model = {
        "about": "summarizer.quotes.cue_score: report a cue's clause? trained by train_cues.py",
        "trained_on": " + ".join(path.name for path in args.train),
        "examples": len(data),
        "positives": pos,
        "threshold": args.threshold,
        "weights": dict(sorted(weights.items())),
    }
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"-> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
