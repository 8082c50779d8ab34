"""Check that the plain-feed path gives feedparser's `ParsedFeed` wherever it reads a document.

    .venv/bin/python benchmarks/plainfeed_check.py [--cases 20000] [--seed 20]

Documents: the demo feeds, the ingest benchmark's generated feeds, every feed (bytes)
defined at module level in the ingest and hostile tests, and ``--cases`` generated
hostile feeds (`tests/hostile/mutations.py`, the fuzz run's generator: partly bad and
mangled ones). For each, `bot.ingest.plainfeed.read_or_refuse` (unforeseen errors
raised, not hidden) either refuses the document (feedparser will read it) or must equal
`parse_feed` on it exactly. Prints how many took the plain path and every difference;
exits 1 on any difference or error. Also times both paths on a benchmark feed.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._feedserver import feed_xml  # noqa: E402
from bot.errors import ParseError  # noqa: E402
from bot.ingest.decode import decode_document, safe_markup  # noqa: E402
from bot.ingest.parse import parse_feed  # noqa: E402
from bot.ingest.plainfeed import read_or_refuse  # noqa: E402
from tests.hostile.mutations import case, plain_shaped  # noqa: E402

URL = "https://n.example/feeds/f.xml"
TEST_MODULES = (
    "tests.ingest.test_parse",
    "tests.ingest.test_pipeline",
    "tests.ingest.test_reader",
    "tests.hostile.test_feeds",
    "tests.hostile.test_ingest",
)


def documents(cases: int, seed: int) -> Iterator[tuple[str, bytes, str | None]]:
    for path in sorted((ROOT / "bot" / "demo" / "feeds").glob("*.xml")):
        yield f"demo {path.name}", path.read_bytes(), None
    for n in range(50):
        yield f"benchmark feed {n}", feed_xml(n, 10, 8080, 10), None
    for name in TEST_MODULES:
        module = importlib.import_module(name)
        for attribute, value in sorted(vars(module).items()):
            values = value.values() if isinstance(value, dict) else [value]
            for document in values:
                if isinstance(document, bytes) and b"<" in document:
                    yield f"{name}.{attribute}", document, None
    rng = random.Random(seed)
    for n in range(cases):
        generated = case(rng)
        if generated.kind != "page":
            yield f"hostile {n} ({generated.kind})", generated.document, generated.content_type
        yield f"plain-shaped {n}", plain_shaped(rng), None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    total = plain = differences = 0
    for name, document, content_type in documents(args.cases, args.seed):
        total += 1
        text = safe_markup(decode_document(document, content_type))
        try:
            fast = read_or_refuse(text, url=URL)
        except Exception as exc:  # the point: an unforeseen error is a finding
            differences += 1
            print(f"ERROR {name}: {type(exc).__name__}: {exc}\n  {document[:300]!r}")
            continue
        if fast is None:
            continue
        plain += 1
        try:
            slow = parse_feed(document, url=URL, content_type=content_type)
        except ParseError as exc:
            slow = exc  # type: ignore[assignment]
        if fast != slow:
            differences += 1
            print(f"DIFFERENT {name}\n  {document[:400]!r}\n  plain: {fast}\n  feedparser: {slow}")
    print(f"documents: {total:,}; read by the plain path: {plain:,}; differences: {differences}")
    sample = feed_xml(7, 10, 8080, 10)
    for label, run in (
        ("feedparser", lambda: parse_feed(sample, url=URL)),
        ("plain", lambda: read_or_refuse(safe_markup(decode_document(sample)), url=URL)),
    ):
        started = time.perf_counter()
        for _ in range(500):
            run()
        print(f"{label}: {(time.perf_counter() - started) * 2:.3f} ms per 10-item feed")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
