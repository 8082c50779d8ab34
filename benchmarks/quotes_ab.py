"""The extractor's speed in two checkouts, compared in alternating CPU-time runs.

    .venv/bin/python benchmarks/quotes_ab.py OLD NEW [--rounds 8] [--data GOLD.jsonl]

OLD and NEW are directories holding a checkout's ``summarizer`` and ``bot`` packages
(``git archive 87568e6 summarizer bot | tar -x -C /tmp/old``). Each round runs
``extract_quotes`` over every article of the gold file (default: PolNeAR dev) in a fresh
process per checkout, OLD then NEW, then NEW then OLD in the next round, and takes the
best of two passes of CPU time (``time.process_time``): on a machine shared with other
work the wall clock measures the neighbours, and alternation spreads their load over
both. Prints articles per CPU-second for each and NEW's speed over OLD's per round.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "polnear" / "dev.jsonl"

_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import summarizer
assert summarizer.__file__.startswith(sys.argv[1]), summarizer.__file__
from summarizer import extract_quotes
with open(sys.argv[2], encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line in f if line.strip()]
for text in texts[:10]:
    extract_quotes(text)  # imports and first-use caches out of the timing
best = float("inf")
for _ in range(2):
    t0 = time.process_time()
    for text in texts:
        extract_quotes(text)
    best = min(best, time.process_time() - t0)
print(len(texts) / best)
"""


def _rate(tree: Path, data: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tree), str(data)],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    old_tree, new_tree = args.old.resolve(), args.new.resolve()
    old: list[float] = []
    new: list[float] = []
    for r in range(args.rounds):
        if r % 2 == 0:
            old.append(_rate(old_tree, args.data))
            new.append(_rate(new_tree, args.data))
        else:
            new.append(_rate(new_tree, args.data))
            old.append(_rate(old_tree, args.data))
    ratios = [n / o for o, n in zip(old, new, strict=True)]
    print(f"old {old_tree}: median {statistics.median(old):.1f} articles/CPU-s {_spread(old)}")
    print(f"new {new_tree}: median {statistics.median(new):.1f} articles/CPU-s {_spread(new)}")
    print(f"new/old per round: {' '.join(f'{x:.3f}' for x in ratios)}")
    print(f"new/old median: {statistics.median(ratios):.3f}")


def _spread(rates: list[float]) -> str:
    return f"(min {min(rates):.1f}, max {max(rates):.1f}, {len(rates)} runs)"


if __name__ == "__main__":
    main()
