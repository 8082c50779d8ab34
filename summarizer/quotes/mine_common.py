"""Mine the words news writes in lower case (common_words.json) from a corpus.

    python -m summarizer.quotes.mine_common TRAIN.jsonl [-o common_words.json]

A capitalised word that opens a sentence may be a name ("Pence said") or a common word
("Perhaps", "Must", "Thousands"); the story alone often cannot tell, the corpus can.
Counting only words that do not open a sentence, quotation or line, a word is common
when it is written in lower case at least ``--min-count`` times and capitalised in at
most ``--max-capital`` of its occurrences ("must": 146 lower case, 1 capitalised; "bill":
152 and 196, a name too, so not common). The resolver (resolve.py) does not take a lone
common word for a person a pronoun could stand for. Deterministic; not used at run time.
See summarizer/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from summarizer.quotes.language import COMMON_WORDS_PATH

OUTPUT = COMMON_WORDS_PATH
_WORD_RE = re.compile(r"[A-Za-z][a-z]+")
_OPENERS = frozenset(".!?\n“\"‘'(:—–-")


def counts(texts: list[str]) -> tuple[Counter[str], Counter[str]]:
    """(lower-case, capitalised) counts of each word, inside sentences only."""
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        for m in _WORD_RE.finditer(text):
            k = m.start() - 1
            while k >= 0 and text[k] in " \t":
                k -= 1
            if k < 0 or text[k] in _OPENERS:
                continue  # a word opening a sentence or quotation says nothing
            word = m.group()
            if word[0].isupper():
                capital[word.lower()] += 1
            else:
                lower[word] += 1
    return lower, capital


def common(
    lower: Counter[str], capital: Counter[str], *, min_count: int, max_capital: float
) -> list[str]:
    return sorted(
        w
        for w, n in lower.items()
        if n >= min_count and capital[w] <= max_capital * (n + capital[w])
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path, help="JSONL with a text field per line")
    ap.add_argument("-o", "--output", type=Path, default=OUTPUT)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--max-capital", type=float, default=0.1)
    args = ap.parse_args(argv)
    with args.train.open(encoding="utf-8") as f:
        texts = [str(json.loads(line)["text"]) for line in f if line.strip()]
    lower, capital = counts(texts)
    words = common(lower, capital, min_count=args.min_count, max_capital=args.max_capital)
    data = {
        "about": "summarizer.quotes.resolve: words written in lower case, mined by "
        f"mine_common.py from {args.train.name} (min count {args.min_count}, "
        f"capitalised at most {args.max_capital})",
        "words": words,
    }
    args.output.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
