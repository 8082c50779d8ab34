"""Speed, memory and accuracy of the offline quote extractor, in one command.

    .venv/bin/python benchmarks/quotes.py [--data PATH] [--repeat N]

Runs ``summarizer.extract_quotes`` over every article of a PolNeAR-style JSONL
file (default: ../shared/data/polnear/dev.jsonl from the repository root) on
one core, and prints articles per second, the peak traced memory and the peak
resident set size. So that the speed is comparable across machines, the same
run also times a trivial baseline (bare quotation-mark pairing,
``summarizer.quotes.marks.pair_marks``) and prints the ratio. When the shared
scorer (../shared/tools/score_quotes.py) is present, its metrics are printed
too, and its ``--bullets`` score of the bullets a briefing shows (4 a story,
``summarizer.bullets.story_bullets``); it is called by path in a subprocess,
never imported.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import extract_quotes  # noqa: E402
from summarizer.evaluate import bullets_record, prediction_record  # noqa: E402
from summarizer.quotes.marks import pair_marks  # noqa: E402

DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "polnear" / "dev.jsonl"
SCORER = ROOT / ".." / "shared" / "tools" / "score_quotes.py"


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _rate(texts: list[str], fn: Callable[[str], object], repeat: int) -> float:
    """Best-of-``repeat`` articles per second for ``fn`` over ``texts``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best if best > 0 else float("inf")


def _peak_traced(texts: list[str]) -> int:
    tracemalloc.start()
    for text in texts:
        extract_quotes(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _score(
    data: Path,
    articles: list[dict[str, Any]],
    record: Callable[[str, str], dict[str, Any]] = prediction_record,
    flags: tuple[str, ...] = (),
) -> str | None:
    if not SCORER.is_file():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tmp:
        for art in articles:
            rec = record(str(art["id"]), str(art["text"]))
            tmp.write(json.dumps(rec, ensure_ascii=False) + "\n")
    try:
        done = subprocess.run(
            [sys.executable, str(SCORER), *flags, "--gold", str(data), "--pred", tmp.name],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        Path(tmp.name).unlink(missing_ok=True)
    return done.stdout if done.returncode == 0 else f"scorer failed: {done.stderr.strip()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="PolNeAR-style JSONL")
    ap.add_argument("--repeat", type=int, default=3, help="timing runs; the best one counts")
    args = ap.parse_args(argv)
    data: Path = args.data
    if not data.is_file():
        print(f"benchmarks/quotes.py: no data at {data}; skipping")
        return 0
    articles = _load(data)
    texts = [str(a.get("text") or "") for a in articles]
    if not texts:
        print(f"benchmarks/quotes.py: {data} holds no articles; skipping")
        return 0
    extract_quotes(texts[0])  # warm up regex compilation and imports
    repeat = max(1, args.repeat)
    rate = _rate(texts, extract_quotes, repeat)
    base = _rate(texts, pair_marks, repeat)
    peak = _peak_traced(texts)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    chars = sum(len(t) for t in texts)
    print(f"data: {data} ({len(texts)} articles, {chars / len(texts):,.0f} chars each on average)")
    print(f"extract_quotes: {rate:,.1f} articles/s on one core (best of {repeat})")
    print(f"baseline (pair_marks only): {base:,.1f} articles/s")
    print(
        f"ratio extractor/baseline: {rate / base:.4f} "
        f"(the baseline is {base / rate:,.0f}x faster; compare this ratio across machines)"
    )
    print(f"peak traced memory during extraction: {peak / 1e6:.1f} MB")
    print(f"peak resident set size of this process: {rss_kb / 1024:.1f} MB")
    report = _score(data, articles)
    if report is None:
        print("scorer: ../shared/tools/score_quotes.py not found; accuracy not measured")
    else:
        print("scorer:")
        print(report.rstrip())
        bullets = _score(data, articles, bullets_record, ("--bullets",))
        print("briefing bullets (scorer --bullets, 4 a story):")
        print((bullets or "").rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
