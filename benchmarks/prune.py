"""Retention: a first `Store.prune` of a big store, against the same work done unbatched.

    .venv/bin/python benchmarks/prune.py [--stories 20000] [--quotes-per-story 3]
        [--store URL | --postgres] [--markdown FILE]

Seeds a store (SQLite file in a temp dir by default; ``--postgres`` uses the
local test database in a throwaway schema, dropped afterwards) with two equal
bands of ``--stories`` old stories each: band A fetched 120 days ago, band B
60 days ago. Each story has ``--quotes-per-story`` quotes, and every 8 stories
make one briefing, recorded (``record_briefing``) and delivered
(``begin_delivery`` + ``complete_delivery``, which also marks the stories
briefed) at the band's time. Stories go in through ``add_stories``, briefings
and deliveries through the store's own calls; the quotes are bulk-inserted
(``save_quotes`` is one transaction per story: minutes on PostgreSQL for
100,000 rows), through the same table, so the same full-text triggers or
generated columns index them.

Then, on the same tables:

  baseline   band A's work as bare SQL in one transaction: DELETE its quotes,
             empty its stories (UPDATE ... SET text = '', pruned_at = now),
             DELETE its deliveries and briefing items. The database's own cost
             of the rows, unbatched: the whole store is held for all of it.
  prune      ``Store.prune(before=90 days ago)`` with the default batch: band
             B's identical rows, ``DEFAULT_BATCH`` rows per transaction.

Every transaction of the prune is timed (from BEGIN to the connection's return
to the pool, i.e. after COMMIT), so the table shows the longest time the
prune held the store's write lock, which is the point of batching. Target: a
first prune of 20,000 stories in under 10 s, no transaction over 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _scratch import PostgresDown, scratch_store_url  # noqa: E402

from bot.domain import Briefing, BriefingItem, Story  # noqa: E402
from bot.errors import StoreError  # noqa: E402
from bot.store import SqlStore, make_store  # noqa: E402
from bot.store.engine import WRITE_OPTION  # noqa: E402
from bot.store.retention import DEFAULT_BATCH  # noqa: E402
from bot.store.schema import briefing_items, deliveries, quotes, stories  # noqa: E402

TOTAL_TARGET_S = 10.0
LONGEST_TXN_TARGET_S = 1.0
FEEDS = 20
PER_BRIEFING = 8
CHANNELS = [f"console:bench{i}" for i in range(4)]
CHUNK = 512
BRIEFED_EVERY = 64  # one briefing of 8 stories per 64 stored: most stories are never briefed
BAND_AGE = {"A": timedelta(days=120), "B": timedelta(days=60)}
CUTOFF_AGE = {"A": timedelta(days=90), "B": timedelta(days=30)}
WORDS = [
    "talks", "ceasefire", "sanctions", "border", "summit", "budget", "tariffs", "inflation",
    "strike", "council", "election", "court", "ruling", "energy", "pipeline", "trade",
    "growth", "alliance", "treaty", "harvest",
]  # fmt: skip


def seed(store: SqlStore, *, n_stories: int, per_story: int, now: datetime) -> None:
    feed_urls = [f"https://prune{i}.example/feed.xml" for i in range(FEEDS)]
    for url in feed_urls:
        store.add_feed(url)
    for channel in CHANNELS:  # briefed_stories rows need the channel's row
        store.subscribe(channel, feed_urls[0])
    with Progress(transient=True) as progress:
        task = progress.add_task("seeding", total=2 * n_stories)
        for band, age in BAND_AGE.items():
            for start in range(0, n_stories, CHUNK):
                fetched = now - age + timedelta(seconds=start)
                numbers = range(start, min(n_stories, start + CHUNK))
                stored = store.add_stories(
                    [(_story(band, n, per_story, feed_urls), [f"url:{band}{n}"]) for n in numbers],
                    fetched_at=fetched,
                )
                _insert_quotes(store, stored, per_story)
                _brief(store, band, stored, fetched)
                progress.advance(task, len(stored))


def _story(band: str, n: int, per_story: int, feed_urls: list[str]) -> Story:
    said = [_sentence(n * per_story + i) for i in range(per_story)]
    text = " ".join(f"“{s}”, said Speaker {i}. {_sentence(n + i)}." for i, s in enumerate(said))
    return Story(
        url=f"https://prune{n % FEEDS}.example/{band}/{n}",
        title=f"Story {band}{n}: {_sentence(n)}",
        text=text,
        feed_url=feed_urls[n % FEEDS],
    )


SENTENCES = [" ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(12)) for n in range(97)]


def _sentence(seed: int) -> str:
    return SENTENCES[seed % len(SENTENCES)]


def _insert_quotes(store: SqlStore, stored: list[Story], per_story: int) -> None:
    rows: list[dict[str, Any]] = []
    for story in stored:
        offset = 0
        for ordinal in range(per_story):
            begin = story.text.index("“", offset) + 1
            end = story.text.index("”", begin)
            offset = end
            rows.append(
                {
                    "story_id": story.id,
                    "ordinal": ordinal,
                    "text": story.text[begin:end],
                    "start": begin,
                    "end": end,
                    "kind": "direct",
                    "speaker": f"Speaker {ordinal}",
                    "speaker_role": None,
                    "anonymous": False,
                    "confidence": 1.0,
                }
            )
    with store.engine.begin() as conn:
        conn.execute(sa.insert(quotes), rows)


def _brief(store: SqlStore, band: str, stored: list[Story], at: datetime) -> None:
    """A briefing of 8 stories per 64 stored, recorded and delivered as the runner does it."""
    for i in range(0, len(stored), BRIEFED_EVERY):
        group = stored[i : i + PER_BRIEFING]
        ids = [s.id for s in group if s.id is not None]
        key = f"bench:{band}:{ids[0]}"
        channel = CHANNELS[ids[0] % len(CHANNELS)]
        items = tuple(
            BriefingItem(title=s.title, url=s.url, sources=(s.feed_url,), gist="", story_ids=(n,))
            for s, n in zip(group, ids, strict=True)
        )
        briefing = Briefing(
            channel=channel, title="bench", items=items, generated_at=at, idempotency_key=key
        )
        store.begin_delivery(channel, key, owner="bench", now=at, lease=timedelta(minutes=5))
        store.record_briefing(briefing, at=at)
        store.complete_delivery(channel, key, message_id=f"m{ids[0]}", story_ids=ids, now=at)


def settle(store: SqlStore) -> None:
    """Statistics as a running store has them (autovacuum / a periodic ANALYZE)."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("quotes", "stories", "deliveries", "briefing_items"):
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
    else:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


class TransactionTimer:
    """Times every transaction on ``engine`` from BEGIN to the connection's check-in
    (after COMMIT), so a transaction's time includes making it durable."""

    def __init__(self, engine: sa.Engine) -> None:
        self.samples: list[float] = []
        self.on = False
        # insert=True: runs before the SQLite listener that emits BEGIN IMMEDIATE,
        # so the wait for the write lock counts too.
        sa.event.listen(engine, "begin", self._begin, insert=True)
        sa.event.listen(engine.pool, "checkin", self._checkin)

    def _begin(self, conn: sa.Connection) -> None:
        if self.on:
            conn.info["bench_t0"] = time.perf_counter()

    def _checkin(self, _dbapi: Any, record: Any) -> None:
        t0 = record.info.pop("bench_t0", None) if record is not None else None
        if t0 is not None:
            self.samples.append(time.perf_counter() - t0)


def baseline(store: SqlStore, cutoff: datetime) -> list[tuple[str, int, float]]:
    """Band A's prune as bare SQL, one transaction: (step, rows, seconds) per statement."""
    old = sa.and_(stories.c.pruned_at.is_(None), stories.c.fetched_at < cutoff)
    steps = [
        (
            "DELETE quotes",
            sa.delete(quotes).where(quotes.c.story_id.in_(sa.select(stories.c.id).where(old))),
        ),
        ("UPDATE stories (empty)", sa.update(stories).where(old).values(text="", pruned_at=_now())),
        (
            "DELETE deliveries",
            sa.delete(deliveries).where(
                deliveries.c.status.in_(("posted", "empty")), deliveries.c.posted_at < cutoff
            ),
        ),
        (
            "DELETE briefing_items",
            sa.delete(briefing_items).where(briefing_items.c.created_at < cutoff),
        ),
    ]
    out = []
    t_all = time.perf_counter()
    # The store's write option: BEGIN IMMEDIATE on SQLite, as every store write.
    with store.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
        conn.begin()
        for label, statement in steps:
            t0 = time.perf_counter()
            rows = conn.execute(statement).rowcount
            out.append((label, int(rows), time.perf_counter() - t0))
        t0 = time.perf_counter()
        conn.commit()
        out.append(("COMMIT", 0, time.perf_counter() - t0))
    out.append(
        ("one transaction, all of it", sum(r for _, r, _ in out), time.perf_counter() - t_all)
    )
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stories", type=int, default=20_000, help="old stories per band")
    parser.add_argument("--quotes-per-story", type=int, default=3)
    parser.add_argument("--store", metavar="URL", help="store URL (default: a temp SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="the local test database")
    parser.add_argument("--markdown", metavar="FILE", help="append the table as Markdown")
    args = parser.parse_args()
    console = Console()
    now = _now()
    try:
        with scratch_store_url(postgres=args.postgres, given=args.store) as url:
            store = make_store(url)
            backend = store.engine.dialect.name
            t0 = time.perf_counter()
            seed(store, n_stories=args.stories, per_story=args.quotes_per_story, now=now)
            settle(store)
            console.print(
                f"seeded 2 × {args.stories:,} stories, "
                f"{2 * args.stories * args.quotes_per_story:,} quotes, "
                f"{2 * -(-args.stories // BRIEFED_EVERY):,} briefings into {backend} "
                f"in {time.perf_counter() - t0:.1f}s"
            )
            base = baseline(store, now - CUTOFF_AGE["A"])
            timer = TransactionTimer(store.engine)
            timer.on = True
            t0 = time.perf_counter()
            report = store.prune(now - CUTOFF_AGE["B"])
            elapsed = time.perf_counter() - t0
            timer.on = False
            store.engine.dispose()
    except PostgresDown as exc:
        console.print(f"[yellow]skipped:[/] {exc}")
        return 0
    except StoreError as exc:
        console.print(f"[red]store failed:[/] {exc}")
        return 1
    return show(console, args, backend, base, report, elapsed, timer.samples)


def show(
    console: Console,
    args: argparse.Namespace,
    backend: str,
    base: list[tuple[str, int, float]],
    report: Any,
    elapsed: float,
    txns: list[float],
) -> int:
    base_rows, base_s = base[-1][1], base[-1][2]
    title = (
        f"{backend}: prune of {args.stories:,} stories, "
        f"{args.stories * args.quotes_per_story:,} quotes (batch {DEFAULT_BATCH})"
    )
    table = Table(title=title, header_style="bold", title_justify="left")
    columns = ("run", "rows", "seconds", "rows/s", "× baseline", "longest txn s")
    for column in columns:
        table.add_column(column, justify="left" if column == "run" else "right")
    lines = ["| " + " | ".join(columns) + " |", "|---|" + "---:|" * (len(columns) - 1)]

    def row(label: str, rows: int, seconds: float, longest: float | None) -> None:
        cells = (
            f"{rows:,}" if rows else "",
            f"{seconds:.3f}",
            f"{rows / seconds:,.0f}" if rows and seconds else "",
            f"{seconds / base_s:.2f}",
            f"{longest:.3f}" if longest is not None else "",
        )
        table.add_row(label, *cells)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for label, rows, seconds in base[:-1]:
        row(f"baseline: {label}", rows, seconds, None)
    row("baseline: one unbatched transaction", base_rows, base_s, base_s)
    row(f"Store.prune ({len(txns)} transactions)", report.total, elapsed, max(txns, default=0.0))
    console.print(table)
    p50 = statistics.median(txns) if txns else 0.0
    longest = max(txns, default=0.0)
    console.print(
        f"prune: {report.stories:,} stories emptied, {report.quotes:,} quotes, "
        f"{report.deliveries:,} deliveries, {report.briefing_items:,} briefing items; "
        f"transactions p50 {p50 * 1000:.1f} ms, max {longest * 1000:.1f} ms"
    )
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as fh:
            fh.write(f"\n#### {title}\n\n" + "\n".join(lines) + "\n")
            summary = (
                f"{len(txns)} transactions, p50 {p50 * 1000:.1f} ms, max {longest * 1000:.1f} ms"
            )
            fh.write(f"\n{summary}.\n")
    ok = elapsed <= TOTAL_TARGET_S and longest <= LONGEST_TXN_TARGET_S
    console.print(
        f"target (≤ {TOTAL_TARGET_S:.0f} s, no transaction over {LONGEST_TXN_TARGET_S:.0f} s): "
        + ("met" if ok else "[red]MISSED[/]")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
