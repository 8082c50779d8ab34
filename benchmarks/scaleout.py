"""Scale-out on PostgreSQL: a backlog worked off by 1, then 2 `newsbrief run` processes.

    .venv/bin/python benchmarks/scaleout.py [--feeds 400] [--items 10] [--channels 200]

A loopback feed server (its own process) serves ``--feeds`` RSS feeds of ``--items``
new stories each, every story with an article page. Each round starts from an empty
schema in the local PostgreSQL test database, subscribes ``--channels`` console
channels to 10 feeds each (posting to a recording file), starts N `newsbrief run`
processes at once and times two phases: the backlog, until every story is stored
with its quotes saved; then the briefings, made due for every channel at once (its
``next_briefing_at`` set to now; the schedule is yearly, so no other slot falls in
the run), until every channel's briefing is posted. Both rounds do the same work: a
schedule firing every minute would give a slower round more briefings to make. Then
it checks, per round: every story stored once with quotes, no article page fetched
twice (so no story was processed by both processes), every channel briefed once and
no briefing key posted twice. The baseline is the one-process round of the same
run; the goal on a 2-core machine is ≥ 1.7× with two (total seconds).

Each process gets ``ingest.workers = 0`` (its CPU work in one core's worth of threads)
so that "two processes" means twice the cores' worth of work, not more worker
processes than the machine has.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _feedserver import start_process  # noqa: E402
from _scratch import PostgresDown, scratch_store_url  # noqa: E402

from bot.testing import read_posts  # noqa: E402

NEWSBRIEF = [sys.executable, "-m", "bot.cli"]


def write_config(work: Path, url: str, feeds: list[str], channels: int) -> Path:
    hosts = sorted({u.split("/")[2].split(":")[0] for u in feeds})
    lines = [
        "[store]",
        f'url = "{url}"',
        "[ingest]",
        "poll_interval_minutes = 60",
        "jitter_seconds = 0",
        "workers = 0",
        "fetch_articles = true",
        f"allow_hosts = {json.dumps(hosts)}",
        "[briefing]",
        "post_empty = true",
        "[run]",
        f'heartbeat_file = "{work / "heartbeat"}"',
        f'record_file = "{work / "posts.jsonl"}"',
        'log_level = "WARNING"',
    ]
    for feed in feeds:
        lines += ["[[feeds]]", f'url = "{feed}"']
    for c in range(channels):
        chosen = ", ".join(f'"{feeds[(c * 10 + k) % len(feeds)]}"' for k in range(10))
        lines += ["[[channels]]", f'id = "console:c{c}"', f"feeds = [{chosen}]"]
        lines += ['schedule = "0 0 1 1 *"']  # yearly: the benchmark makes one slot due
    config = work / "newsbrief.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def done_counts(engine: sa.Engine) -> tuple[int, int]:
    """Stories stored, and stories whose quotes were saved (a story may have none: an
    article page that failed to load leaves only the feed's summary)."""
    with engine.connect() as conn:
        stories = conn.scalar(sa.text("SELECT count(*) FROM stories")) or 0
        saved = "SELECT count(*) FROM stories WHERE quotes_saved_at IS NOT NULL"
        with_quotes = conn.scalar(sa.text(saved)) or 0
    return stories, with_quotes


def briefed_count(engine: sa.Engine) -> int:
    """Channels whose due briefing is done (posted, or empty)."""
    with engine.connect() as conn:
        done = "SELECT count(*) FROM deliveries WHERE kind = 'briefing' AND status <> 'claimed'"
        return int(conn.scalar(sa.text(done)) or 0)


def make_briefings_due(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE channels SET next_briefing_at = now()"))


def round_(processes: int, args: argparse.Namespace, port: int) -> dict[str, object]:
    feeds = [f"http://127.0.0.{n % args.hosts + 1}:{port}/feed/{n}.xml" for n in range(args.feeds)]
    expected = args.feeds * args.items
    with (
        tempfile.TemporaryDirectory(prefix="nb-scale-") as tmp,
        scratch_store_url(postgres=True) as url,
    ):
        work = Path(tmp)
        config = write_config(work, url, feeds, args.channels)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        # Migrate and sync once, so the timed processes all start from the same state.
        subprocess.run(
            [*NEWSBRIEF, "--config", str(config), "feeds"], env=env, check=True, capture_output=True
        )
        engine = sa.create_engine(url)
        procs = [
            subprocess.Popen(
                [*NEWSBRIEF, "--config", str(config), "run"],
                cwd=work,
                env=env,
                stdout=(work / f"run{k}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            for k in range(processes)
        ]
        start = time.perf_counter()
        try:
            while True:
                stories, with_quotes = done_counts(engine)
                if with_quotes >= expected or time.perf_counter() - start > args.timeout:
                    break
                time.sleep(0.25)
            backlog = time.perf_counter() - start
            make_briefings_due(engine)
            while True:
                briefed = briefed_count(engine)
                if briefed >= args.channels or time.perf_counter() - start > args.timeout:
                    break
                time.sleep(0.25)
            elapsed = time.perf_counter() - start
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as answer:
            stats = json.load(answer)
        posts = read_posts(work / "posts.jsonl")
        engine.dispose()
    keys = Counter(p["key"] for p in posts)
    return {
        "processes": processes,
        "seconds": elapsed,
        "backlog_seconds": backlog,
        "briefed": briefed,
        "stories": stories,
        "with_quotes": with_quotes,
        "expected": expected,
        "briefings": len(keys),
        "briefings_twice": sum(1 for n in keys.values() if n > 1),
        "stats": stats,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    rows = []
    try:
        for n in (1, 2):
            # A fresh server per round, so its page counts are the round's own.
            server, port = start_process(args.feeds, args.items, args.hosts)
            try:
                rows.append(round_(n, args, port))
            finally:
                server.terminate()
                server.wait()
    except PostgresDown as exc:
        print(f"{exc}: start PostgreSQL (see README) and run again", file=sys.stderr)
        return 1
    base = rows[0]["seconds"]
    print(
        f"Backlog: {args.feeds} feeds × {args.items} stories with pages, "
        f"then {args.channels} channels' briefings due at once, PostgreSQL\n"
    )
    print(
        "| processes | seconds (backlog + briefings) | stories/s | × one process | "
        "stored / quotes saved | pages fetched twice | briefing keys / posted twice |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for r in rows:
        secs = float(r["seconds"])  # type: ignore[arg-type]
        stats = r["stats"]
        assert isinstance(stats, dict)
        print(
            f"| {r['processes']} | {secs:.1f} ({float(r['backlog_seconds']):.1f} + "  # type: ignore[arg-type]
            f"{secs - float(r['backlog_seconds']):.1f}) | "  # type: ignore[arg-type]
            f"{int(r['expected']) / float(r['backlog_seconds']):,.0f} | "  # type: ignore[call-overload, arg-type]
            f"{float(base) / secs:.2f} | {r['stories']:,} / {r['with_quotes']:,} | "  # type: ignore[arg-type]
            f"{stats['fetched_twice']} | {r['briefings']} / {r['briefings_twice']} |"
        )
        ok = ok and r["with_quotes"] == r["expected"] == r["stories"]
        ok = ok and stats["fetched_twice"] == 0 and r["briefings_twice"] == 0
        ok = ok and r["briefings"] == r["briefed"] == args.channels
    print("\nRESULT:", "PASS" if ok else "FAIL (see the counts)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
