"""How fast processes sharing PostgreSQL can claim and finish feed polls (SKIP LOCKED).

    .venv/bin/python benchmarks/claims.py [--feeds 100000] [--seconds 10] [--sqlite]

Seeds a scratch schema with ``--feeds`` due feeds, then runs 1, 2 and 4 claimers at
once (threads, each with its own connection from the store's pool), each looping:
``claim_due_feeds`` (a batch of 100, ``FOR UPDATE SKIP LOCKED`` plus the lease update)
and ``finish_poll`` for every feed of the batch (one transaction each, as the runner
does). Prints claims and finishes per second, and checks that no feed was claimed
twice while its lease was live. The baseline, in the same run, is a bare
``UPDATE feeds SET next_poll_at = … WHERE id = …`` per feed on one connection: the
database's own cost of the row writes. These numbers feed docs/scaling.md.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scratch import PostgresDown, scratch_store_url  # noqa: E402

from bot.store import make_store  # noqa: E402
from bot.store.schema import feeds  # noqa: E402

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def seed(store: object, n: int) -> None:
    engine: sa.Engine = store.engine  # type: ignore[attr-defined]
    rows = [{"url": f"https://feeds.example/{i}.xml", "created_at": NOW} for i in range(n)]
    with engine.begin() as conn:
        for start in range(0, n, 5000):
            conn.execute(sa.insert(feeds), rows[start : start + 5000])


def bare_updates(store: object, n: int) -> float:
    engine: sa.Engine = store.engine  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        with engine.begin() as conn:
            conn.execute(sa.update(feeds).where(feeds.c.id == i).values(next_poll_at=NOW))
    return n / (time.perf_counter() - t0)


def claimers(store: object, count: int, seconds: float) -> tuple[float, float, int]:
    claimed: Counter[int] = Counter()
    finished = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    # Each round moves "now" forward so finished feeds are not due again within the run.

    def work(k: int) -> None:
        owner = f"bench-{k}"
        while time.perf_counter() < stop:
            batch = store.claim_due_feeds(  # type: ignore[attr-defined]
                owner=owner, now=NOW, lease=timedelta(minutes=5), limit=100
            )
            if not batch:
                return
            for feed in batch:
                store.finish_poll(  # type: ignore[attr-defined]
                    feed.url, owner=owner, next_poll_at=NOW + timedelta(hours=1)
                )
            with lock:
                claimed.update(f.id for f in batch if f.id is not None)
                finished[0] += len(batch)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    doubled = sum(1 for c in claimed.values() if c > 1)
    return len(claimed) / elapsed, finished[0] / elapsed, doubled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sqlite", action="store_true", help="a temp SQLite file instead")
    args = parser.parse_args()
    try:
        with scratch_store_url(postgres=not args.sqlite) as url:
            print("| run | feeds/s claimed | finishes/s | claimed twice |\n|---|---:|---:|---:|")
            for count in (1, 2, 4):
                store = make_store(url)
                store.engine.dispose()  # type: ignore[attr-defined]
                with store.engine.begin() as conn:  # type: ignore[attr-defined]
                    conn.execute(sa.delete(feeds))
                seed(store, args.feeds)
                if count == 1:
                    base = bare_updates(store, min(args.feeds, 3000))
                    print(f"| baseline: bare UPDATE per feed, 1 connection | – | {base:,.0f} | – |")
                rate, fin, doubled = claimers(store, count, args.seconds)
                print(f"| {count} claimer(s) | {rate:,.0f} | {fin:,.0f} | {doubled} |")
                store.close()
    except PostgresDown as exc:
        print(f"{exc}: start it or pass --sqlite", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
