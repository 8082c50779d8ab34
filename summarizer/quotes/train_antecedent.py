"""Retrain the antecedent chooser (speaker_antecedent.json) from resolved gold.

    python -m summarizer.quotes.train_antecedent GOLD.jsonl [MORE.jsonl ...] [-o FILE]

Training needs gold that says whom a pronoun or description stands for: attributions
marked ``"resolve": true`` with the resolved ``speaker`` (the real-news annotation).
Every pronoun or definite description the resolver meets whose span overlaps such an
attribution's source is one group: the rules' pick, the latest speakers and (for "it",
"they" and descriptions) the mention standing for itself, each labelled right when its
name is the gold speaker as the scorer judges resolved names. Groups where every
candidate or none is right teach nothing and are left out. PolNeAR marks sources but not
what a pronoun stands for, so it gives no groups. Fitted by the speaker ranker's trainer
(`train_rank.fit`: conditional logit, Adam, L2, deterministic). See
summarizer/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summarizer.quotes import antecedent, train_rank
from summarizer.quotes.extract import Extractor
from summarizer.quotes.gold import resolved_ok

Group = train_rank.Group
EPOCHS = 300
L2 = 0.1  # a hundred groups: a strong pull towards the rules' pick


def groups(path: Path) -> list[Group]:
    out: list[Group] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.extend(article_groups(json.loads(line)))
    return out


def _gold_source(attrs: list[Mapping[str, Any]], start: int, end: int) -> str | None:
    """The resolved speaker of the attribution whose source the span overlaps."""
    for attr in attrs:
        if not attr.get("resolve") or not attr.get("speaker"):
            continue
        for s, e in attr.get("source") or []:
            if s < end and start < e:
                return str(attr["speaker"])
    return None


def article_groups(art: Mapping[str, Any]) -> list[Group]:
    """One article's groups (the rules' picks stand while collecting: no model is asked)."""
    attrs = list(art.get("attributions") or [])
    if not any(a.get("resolve") for a in attrs):
        return []  # nothing says whom a pronoun stands for (PolNeAR)
    ex = Extractor(str(art["text"]))
    collected: list[Any] = []
    ex.resolver.collect = collected
    ex.run()
    seen: set[tuple[int, int]] = set()
    out: list[Group] = []
    for start, end, rows, names, _rule in collected:
        if (start, end) in seen:
            continue
        seen.add((start, end))
        gold = _gold_source(attrs, start, end)
        if gold is None:
            continue
        labels = [int(bool(name) and resolved_ok(gold, name)) for name in names]
        if 0 < sum(labels) < len(labels):
            out.append((rows, labels))
    return out


def fit(data: list[Group], *, epochs: int = EPOCHS) -> dict[str, float]:
    return train_rank.fit(data, epochs=epochs, l2=L2)


def rule_accuracy(data: list[Group]) -> float:
    """How often the rules' own pick is right (the row with a ``:rule`` feature)."""
    right = 0
    for rows, labels in data:
        pick = next((i for i, f in enumerate(rows) if any(k.endswith(":rule") for k in f)), 0)
        right += labels[pick]
    return right / len(data) if data else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path, nargs="+", help="gold JSONL files, pooled")
    ap.add_argument("-o", "--output", type=Path, default=antecedent.WEIGHTS_PATH)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    args = ap.parse_args(argv)
    data = [g for path in args.train for g in groups(path)]
    weights = fit(data, epochs=args.epochs)
    print(
        f"{len(data)} groups; rules right {rule_accuracy(data):.3f}, "
        f"chooser right {train_rank.accuracy(data, weights):.3f}"
    )
    model = {
        "about": "summarizer.quotes.antecedent: whom a pronoun or description stands for; "
        "trained by train_antecedent.py",
        "trained_on": " + ".join(path.name for path in args.train),
        "groups": len(data),
        "weights": weights,
    }
    args.output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"-> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
