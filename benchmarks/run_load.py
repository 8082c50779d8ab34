"""Load: `newsbrief run` with 200 loopback feeds and 50 channels; memory and lateness.

    .venv/bin/python benchmarks/run_load.py [--feeds 200] [--channels 50] [--minutes 3]

A loopback feed server (``bot.testing.FeedServer``, in this process) serves
``--feeds`` RSS feeds that start with 10 stories each and gain a new story every
``--story-every`` seconds (a random feed). One `newsbrief run` process (SQLite)
polls them every minute (30 s jitter) and briefs ``--channels`` channels, each
subscribed to 8 feeds, **all due every minute at the same instant** (the worst
case), posting to a `FileRecordingAdapter` file that stamps each post.

Measured, in one run:
  idle      `newsbrief run` with no feeds and no channels: the baseline RSS
  loaded    the same command under load: peak RSS (VmHWM), ratio to idle
  lateness  per due briefing: posted_at - slot; every one must be within 5 s,
            none missing, none doubled
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.crash import StoryFeeds  # noqa: E402
from bot.testing import FeedServer, read_posts  # noqa: E402

NEWSBRIEF = [sys.executable, "-m", "bot.cli"]
RSS_BUDGET_MB = 300
LATE_BUDGET_S = 5.0


def peak_rss_mb(pid: int) -> float:
    """The process's high-water resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_config(workdir: Path, urls: list[str], channels: int, *, per_channel: int = 8) -> Path:
    rng = random.Random(3)
    lines = [
        "[store]",
        f'url = "sqlite:///{workdir / "store.db"}"',
        "[ingest]",
        "poll_interval_minutes = 1",
        "jitter_seconds = 30",
        "fetch_articles = false",
        'allow_hosts = ["127.0.0.1"]',
        "[briefing]",
        "post_empty = true",
        "[run]",
        f'heartbeat_file = "{workdir / "heartbeat"}"',
        f'record_file = "{workdir / "posts.jsonl"}"',
        'log_level = "WARNING"',
    ]
    for url in urls:
        lines += ["[[feeds]]", f'url = "{url}"']
    for c in range(channels):
        chosen = ", ".join(f'"{u}"' for u in rng.sample(urls, min(per_channel, len(urls))))
        lines += [
            "[[channels]]",
            f'id = "console:load-{c}"',
            f"feeds = [{chosen}]",
            'schedule = "* * * * *"',
        ]
    config = workdir / "newsbrief.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def run(config: Path, workdir: Path, seconds: float, log_name: str) -> tuple[float, datetime]:
    """Run `newsbrief run` for ``seconds``; its peak RSS and the moment it was stopped."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (workdir / log_name).open("wb") as log:
        proc = subprocess.Popen(
            [*NEWSBRIEF, "--config", str(config), "run"],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            time.sleep(seconds)
            peak = peak_rss_mb(proc.pid)
            stopped = datetime.now(UTC)
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=90)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if code != 0:
        print(f"newsbrief run exited {code}; see {workdir / log_name}", file=sys.stderr)
    return peak, stopped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=3, help="whole minute slots to measure")
    parser.add_argument("--story-every", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nb-load-") as tmp:
        workdir = Path(tmp)
        idle_dir = workdir / "idle"
        idle_dir.mkdir()
        (idle_dir / "newsbrief.toml").write_text(
            f'[store]\nurl = "sqlite:///{idle_dir / "store.db"}"\n'
            f'[run]\nheartbeat_file = "{idle_dir / "hb"}"\nlog_level = "WARNING"\n'
        )
        idle, _ = run(idle_dir / "newsbrief.toml", idle_dir, 8, "idle.log")

        with FeedServer() as server:
            feeds = StoryFeeds(server, args.feeds, args.story_every)
            for _ in range(10 * args.feeds):
                feeds.add_story()
            config = write_config(workdir, feeds.urls, args.channels)
            feeds.start()
            started = datetime.now(UTC)
            # From start to the end of the last measured slot, plus time to post it.
            first = started.replace(second=0, microsecond=0) + timedelta(minutes=1)
            end = first + timedelta(minutes=args.minutes - 1, seconds=LATE_BUDGET_S + 5)
            loaded, stopped = run(config, workdir, (end - started).total_seconds(), "loaded.log")
            feeds.stop()
        posts = read_posts(workdir / "posts.jsonl")
        stories = sum(len(p["story_ids"]) for p in posts)

    slots = [first + timedelta(minutes=m) for m in range(args.minutes)]
    due = {
        f"briefing:console:load-{c}:{s:%Y-%m-%dT%H:%MZ}": s
        for c in range(args.channels)
        for s in slots
    }
    keys = Counter(p["key"] for p in posts)
    late = sorted(p["posted_at"] - due[p["key"]].timestamp() for p in posts if p["key"] in due)
    missing = [k for k in due if k not in keys]
    doubled = [k for k, n in keys.items() if n > 1]
    within = sum(1 for s in late if s <= LATE_BUDGET_S)

    def pct(q: float) -> float:
        return late[min(int(q * len(late)), len(late) - 1)] if late else float("nan")

    print(
        f"newsbrief run: {args.feeds} loopback feeds, {args.channels} channels all due every "
        f"minute, {args.minutes} slots measured ({stopped - started} wall)"
    )
    print(f"  {'idle RSS (no feeds, no channels)':<40} {idle:8.1f} MB   1.00x  (baseline)")
    print(
        f"  {'loaded peak RSS':<40} {loaded:8.1f} MB  {loaded / idle:5.2f}x  "
        f"(budget {RSS_BUDGET_MB} MB: {'OK' if loaded < RSS_BUDGET_MB else 'OVER'})"
    )
    print(f"  {'due briefings':<40} {len(due):8d}")
    print(f"  {'posted within 5 s of their slot':<40} {within:8d}")
    print(f"  {'missing / posted twice':<40} {len(missing):8d} / {len(doubled)}")
    print(
        f"  {'lateness p50 / p95 / max':<40} {pct(0.5):8.2f} / {pct(0.95):.2f} / "
        f"{late[-1] if late else float('nan'):.2f} s"
    )
    print(f"  {'stories published':<40} {feeds.made:8d}")
    print(f"  {'story-channel pairs carried by briefings':<40} {stories:8d}")
    ok = loaded < RSS_BUDGET_MB and within == len(due) and not missing and not doubled
    print("  RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
