"""How close full-text extraction comes to an article's ground-truth text.

    .venv/bin/python benchmarks/fulltext.py [--data PATH] [--show N]

For every article of the real-news dev set (default:
../shared/data/realnews/dev.jsonl; each line has the ground-truth ``text``
and ``html``, the path of its original page, gzipped, relative to the file)
this runs ``bot.ingest.fulltext.article_text`` on the page and compares:

- token precision / recall / F1: word tokens (``\\w+``, lower-cased) as a
  multiset, summed over all pages (micro average). Precision falls with
  every byline, caption or related-link headline kept; recall with every
  sentence lost or mangled (a lost drop cap costs the first word).
- junk lines: extracted lines whose words do not appear, in order, anywhere in
  the ground truth (a headline, a "Read more" link, a newsletter line).
- lost lines: ground-truth paragraphs that do not appear, in order, in the
  extraction.
- pages with no text: where the extractor gave up (ingest then keeps the feed text).

``--show N`` prints up to N junk and lost lines per page, to see what they are.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.ingest.fulltext import article_text  # noqa: E402

DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "realnews" / "dev.jsonl"
_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _joined(text: str) -> str:
    return " " + " ".join(_tokens(text)) + " "


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if _tokens(line)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL with text and html")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="junk/lost lines per page")
    args = ap.parse_args(argv)
    data: Path = args.data
    if not data.is_file():
        print(f"benchmarks/fulltext.py: no data at {data}; skipping")
        return 0
    tp = n_pred = n_gold = junk = lost = n_gold_lines = n_pred_lines = empty = pages = 0
    seconds = 0.0
    with data.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for row in rows:
        page = data.parent / str(row["html"])
        if not page.is_file():
            continue
        html = gzip.decompress(page.read_bytes())
        t0 = time.perf_counter()
        text = article_text(html, url=str(row.get("url") or "")) or ""
        seconds += time.perf_counter() - t0
        pages += 1
        empty += not text
        gold = str(row["text"])
        g, p = Counter(_tokens(gold)), Counter(_tokens(text))
        tp += sum((g & p).values())
        n_gold += sum(g.values())
        n_pred += sum(p.values())
        gold_joined, pred_joined = _joined(gold), _joined(text)
        junk_lines = [ln for ln in _lines(text) if _joined(ln) not in gold_joined]
        lost_lines = [ln for ln in _lines(gold) if _joined(ln) not in pred_joined]
        junk += len(junk_lines)
        lost += len(lost_lines)
        n_pred_lines += len(_lines(text))
        n_gold_lines += len(_lines(gold))
        if args.show and (junk_lines or lost_lines):
            print(f"{row['id']}: {len(junk_lines)} junk, {len(lost_lines)} lost")
            for ln in junk_lines[: args.show]:
                print(f"   + {ln[:110]}")
            for ln in lost_lines[: args.show]:
                print(f"   - {ln[:110]}")
    if not pages:
        print(f"benchmarks/fulltext.py: no pages found next to {data}; skipping")
        return 0
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"data: {data} ({pages} pages)")
    print(f"token precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    print(f"junk lines: {junk} of {n_pred_lines} extracted lines")
    print(f"lost lines: {lost} of {n_gold_lines} ground-truth lines")
    print(f"pages with no text: {empty}")
    print(f"time: {seconds / pages * 1000:.1f} ms a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
