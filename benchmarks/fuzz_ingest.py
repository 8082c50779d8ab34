"""Fuzz ingest's readers with generated hostile feeds and pages (issue 18).

    .venv/bin/python benchmarks/fuzz_ingest.py [--cases 100000] [--seed 18]

Cases come from `tests/hostile/mutations.py` (the tests run a few hundred of the
same): half "partly bad" feeds (valid RSS/Atom items around one item carrying
hostile character references, control and invalid UTF-8 bytes, namespaced and
malformed attributes, odd links and dates), a third "mangled" feeds (bytes
flipped, truncated, spliced, re-declared, deep nesting, strange Content-Types)
and the rest article pages with the same constructs.

Counted: escapes (any exception but ParseError out of parse_document, or any out of
the page readers), good items of a partly bad feed that did not come out, and
texts a store would refuse (NUL, lone surrogates). All must be 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile.mutations import Tally, case, run_case  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--first", type=int, default=0, help="skip this many cases (shards)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    kinds: dict[str, int] = {}
    tally = Tally()
    for _ in range(args.first):  # a shard starts where the one before it ends
        case(rng)
    started = time.perf_counter()
    for n in range(1, args.cases + 1):
        generated = case(rng)
        kinds[generated.kind] = kinds.get(generated.kind, 0) + 1
        run_case(generated, tally)
        if n % 5_000 == 0:  # a running tally, so a run cut short still reports
            print(
                f"  {n:,} cases, {time.perf_counter() - started:,.0f} s: escapes {tally.escapes}, "
                f"lost {tally.lost}, unstorable {tally.unstorable}",
                file=sys.stderr,
            )
    elapsed = time.perf_counter() - started
    print(f"cases: {tally.cases:,} ({', '.join(f'{k} {v:,}' for k, v in sorted(kinds.items()))})")
    print(f"time: {elapsed:,.0f} s ({tally.cases / elapsed:,.0f} cases/s)")
    print(f"ParseError (not a feed, expected for mangled ones): {tally.parse_errors:,}")
    print(f"escapes: {tally.escapes}  lost good items: {tally.lost}", end="  ")
    print(f"unstorable texts: {tally.unstorable}")
    for example in tally.examples or []:
        print("  ", example[:400])
    return 1 if tally.escapes or tally.lost or tally.unstorable else 0


if __name__ == "__main__":
    raise SystemExit(main())
