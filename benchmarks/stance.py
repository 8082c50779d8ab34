"""How well the stance lexicon (bot/conversation/stance.py) reads a quote's own words.

    .venv/bin/python benchmarks/stance.py [--split dev|train|both]

PolNeAR annotates every attribution's reporting verb (cue) and content. The
writer's verb is the label here: an attribution whose cue is a criticise /
praise / warn / deny verb (by the lexicon's cue list, e.g. "slammed",
"praised", "warned", "denied") is that stance. Against those labels this
prints, per stance, how often the cue list fires, and the precision and
recall of the *word* list on the content alone — the evidence the bot falls
back on when a quote is reported with a neutral "said". The word list was
written from general English, not from this data.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.conversation.stance import cue_stance, words_stance  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
STANCES = ("criticise", "praise", "warn", "deny")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=("dev", "train", "both"), default="dev")
    args = parser.parse_args()
    splits = ("dev", "train") if args.split == "both" else (args.split,)
    counts: Counter[tuple[str, bool, bool]] = Counter()
    total = 0
    for split in splits:
        path = POLNEAR / f"{split}.jsonl"
        if not path.exists():
            print(f"skipped: no {path}")
            return 0
        for line in path.read_text(encoding="utf-8").splitlines():
            for attribution in json.loads(line)["attributions"]:
                cue, content = attribution.get("cue_text"), attribution.get("content_text")
                if not cue or not content:
                    continue
                total += 1
                for stance in STANCES:
                    counts[stance, cue_stance(stance, cue), words_stance(stance, content)] += 1
    print(f"PolNeAR {'+'.join(splits)}: {total:,} attributions with a cue and content\n")
    print("| stance | cue says so | words fire | words precision | words recall |")
    print("|---|---:|---:|---:|---:|")
    for stance in STANCES:
        tp, fp = counts[stance, True, True], counts[stance, False, True]
        fn = counts[stance, True, False]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        print(f"| {stance} | {tp + fn:,} | {tp + fp:,} | {precision:.2f} | {recall:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
