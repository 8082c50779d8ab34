"""Re-mine the cue-word lists in lexicon.py from PolNeAR-style training data.

    python -m summarizer.quotes.mine_cues TRAIN.jsonl [--min-count 6] [--min-precision 0.5]

Not used at run time. For every lower-case word that occurs inside an annotated
cue span at least ``--min-count`` times, prints how often it is a cue out of
how often it occurs in the texts at all ("precision"), best first, marking the
words lexicon.py already has. Words at or above ``--min-precision`` were the
candidates added to ``_MINED_SPEECH`` / ``_MINED_OPINION`` / ``_MINED_PARTICIPLES``
(sorted by hand into those three by how they take their speaker); plural nouns
that are mostly not cues (``_NOUN_LIKE``) come out at the bottom of the list.
See summarizer/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from summarizer.quotes.language import ENGLISH

_WORD_RE = re.compile(r"[a-z]+")


def mine(path: Path) -> tuple[Counter[str], Counter[str]]:
    """(times each word is inside a cue span, times it occurs at all)."""
    occurs: Counter[str] = Counter()
    cues: Counter[str] = Counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            art = json.loads(line)
            text = art["text"]
            occurs.update(m.group() for m in _WORD_RE.finditer(text))
            seen: set[int] = set()
            for attr in art.get("attributions", []):
                for s, e in attr.get("cue", []):
                    for m in _WORD_RE.finditer(text, s, e):
                        if m.start() not in seen:
                            seen.add(m.start())
                            cues[m.group()] += 1
    return cues, occurs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("--min-count", type=int, default=6)
    ap.add_argument("--min-precision", type=float, default=0.5)
    args = ap.parse_args(argv)
    cues, occurs = mine(args.train)
    known = ENGLISH.speech_verbs | ENGLISH.opinion_verbs | ENGLISH.participles
    rows = sorted(
        ((cues[w] / occurs[w], cues[w], occurs[w], w) for w in cues if cues[w] >= args.min_count),
        reverse=True,
    )
    for precision, n_cue, n_all, word in rows:
        mark = "known" if word in known else ("ADD?" if precision >= args.min_precision else "")
        print(f"{word:20s} {n_cue:6d}/{n_all:<7d} {precision:.2f} {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
