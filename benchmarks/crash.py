"""Crash test: `newsbrief run` killed with SIGKILL at random points, then counted.

    .venv/bin/python benchmarks/crash.py [--kills 50] [--store sqlite|postgres|both]

Real `newsbrief run` processes (one on SQLite; two at once on PostgreSQL) poll
loopback feeds that gain a new story every ``--story-every`` seconds and post
to a `FileRecordingAdapter` (a JSON-lines file that plays the chat platform and
outlives the bot; each post answers 0.3 s late, so kills land between "posted"
and "recorded" often). Channels: ``--daily`` channels briefed every minute
(``post_empty``, so every slot must produce exactly one post) and one breaking
channel (every story posted on its own). A random live process is SIGKILLed
every 0.3-3 s and restarted at once, ``--kills`` times; then stories stop, the
processes run past the next minute slot, get SIGTERM, and must exit 0.

Counted afterwards: every due slot of every daily channel posted exactly once;
every story ingested; every story in exactly one post per channel; recoveries
(a post found on the platform after a kill, recorded instead of reposted).
``tests/scheduling/test_run_process.py`` runs a small version of the same trial.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.store import make_store  # noqa: E402
from bot.testing import FeedServer, Route, read_posts  # noqa: E402

NEWSBRIEF = [sys.executable, "-m", "bot.cli"]
KEEP_ITEMS = 40  # items per feed document: more than a downtime's worth of stories


def _words(rng: random.Random, n: int) -> str:
    # Random letters: no two stories share shingles, so none merge as near-duplicates.
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(n))


class StoryFeeds:
    """Loopback feeds on a `FeedServer` that gain a story every ``every`` seconds."""

    def __init__(self, server: FeedServer, feeds: int, every: float, seed: int = 7) -> None:
        self.server = server
        self.paths = [f"/feed/{n}.xml" for n in range(feeds)]
        self.items: dict[str, list[dict[str, str]]] = {p: [] for p in self.paths}
        self.every = every
        self.made = 0
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        for path in self.paths:
            self._publish(path)

    @property
    def urls(self) -> list[str]:
        return [self.server.url(p) for p in self.paths]

    def add_story(self) -> None:
        path = self._rng.choice(self.paths)
        n = self.made
        self.made += 1
        self.items[path].insert(
            0,
            {
                "title": f"Story {n}: {_words(self._rng, 4)}",
                "link": self.server.url(f"/story/{n}"),
                "guid": f"story-{n}",
                "pubDate": format_datetime(datetime.now(UTC), usegmt=True),
                "description": f"Story {n}. {_words(self._rng, 60)}.",
            },
        )
        del self.items[path][KEEP_ITEMS:]
        self._publish(path)

    def _publish(self, path: str) -> None:
        entries = "".join(
            "<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in item.items()) + "</item>"
            for item in self.items[path]
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Wire {path}</title><link>{self.server.base_url}/</link>{entries}"
            "</channel></rss>"
        ).encode()
        self.server.routes[path] = Route(body=body)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.add_story()


@dataclass
class Trial:
    """One crash trial's setup: a config file, a store, a record file."""

    workdir: Path
    store_url: str
    feeds: StoryFeeds
    daily: int = 2
    post_delay: float = 0.3
    lease: float = 3.0
    daily_schedule: str = "* * * * *"
    config: Path = field(init=False)
    record: Path = field(init=False)

    def __post_init__(self) -> None:
        self.config = self.workdir / "newsbrief.toml"
        self.record = self.workdir / "posts.jsonl"
        self.config.write_text(self._toml())

    @property
    def daily_channels(self) -> list[str]:
        return [f"console:daily-{i}" for i in range(self.daily)]

    BREAKING = "console:breaking"

    def _toml(self) -> str:
        feeds = ", ".join(f'"{u}"' for u in self.feeds.urls)
        lines = [
            "[store]",
            f'url = "{self.store_url}"',
            "[ingest]",
            "poll_interval_minutes = 0.02",
            "jitter_seconds = 0.3",
            "fetch_articles = false",
            'allow_hosts = ["127.0.0.1"]',
            "[briefing]",
            "post_empty = true",
            "max_stories = 50",
            "[run]",
            f'heartbeat_file = "{self.workdir / "heartbeat"}"',
            "tick_seconds = 0.2",
            f"lease_seconds = {self.lease}",
            f'record_file = "{self.record}"',
            f"record_post_delay_seconds = {self.post_delay}",
            'log_level = "INFO"',
        ]
        for url in self.feeds.urls:
            lines += ["[[feeds]]", f'url = "{url}"']
        for channel in self.daily_channels:
            lines += [
                "[[channels]]",
                f'id = "{channel}"',
                f"feeds = [{feeds}]",
                f'schedule = "{self.daily_schedule}"',
            ]
        lines += [
            "[[channels]]",
            f'id = "{self.BREAKING}"',
            f"feeds = [{feeds}]",
            'schedule = "0 0 1 1 *"',
            "breaking = true",
        ]
        return "\n".join(lines) + "\n"

    def start(self, n: int) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"run-{n}.log").open("ab")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        try:
            return subprocess.Popen(
                [*NEWSBRIEF, "--config", str(self.config), "run"],
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        finally:
            log.close()

    def running(self, n: int, pid: int) -> bool:
        """Has process ``n``, now ``pid``, come up (its signal handlers set)?"""
        log = self.workdir / f"run-{n}.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return f":{pid}:" in text  # "newsbrief running as HOST:PID:NONCE"

    def recoveries(self) -> int:
        return sum(
            p.read_text(errors="replace").count("recovered ")
            for p in self.workdir.glob("run-*.log")
        )


@dataclass
class Counts:
    """What the trial found; ``ok`` when nothing was lost or repeated."""

    kills: int = 0
    processes: int = 1
    stories_made: int = 0
    stories_stored: int = 0
    posts: int = 0
    due_slots: int = 0
    slots_once: int = 0
    slots_missing: int = 0
    duplicate_keys: int = 0
    stories_missing: int = 0
    stories_repeated: int = 0
    breaking_posts: int = 0
    recoveries: int = 0
    clean_exits: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.slots_missing == 0
            and self.duplicate_keys == 0
            and self.stories_missing == 0
            and self.stories_repeated == 0
            and self.stories_stored == self.stories_made
            and self.clean_exits == self.processes
        )


def run_trial(
    trial: Trial,
    *,
    kills: int,
    processes: int = 1,
    gap: tuple[float, float] = (0.3, 3.0),
    until_slot: bool = True,
    settle: float = 8.0,
    seed: int = 1,
    progress: Any = None,
) -> Counts:
    """Run ``processes`` bots, SIGKILL one at random ``kills`` times, stop them, count."""
    rng = random.Random(seed)
    procs = [trial.start(n) for n in range(processes)]
    started = datetime.now(UTC)
    trial.feeds.start()
    counts = Counts(processes=processes)
    try:
        for k in range(kills):
            time.sleep(rng.uniform(*gap))
            victim = rng.randrange(processes)
            procs[victim].send_signal(signal.SIGKILL)
            procs[victim].wait()
            procs[victim] = trial.start(victim)
            counts.kills += 1
            if progress is not None:
                progress(k + 1)
        trial.feeds.stop()
        stories_done = datetime.now(UTC)
        if until_slot:  # run past the next slot so every story has a briefing to be in
            nxt = stories_done.replace(second=0, microsecond=0) + timedelta(minutes=1)
            time.sleep(max((nxt - datetime.now(UTC)).total_seconds(), 0) + settle)
        # Then until every story is stored and breaking-posted (a last kill may have
        # left leases to expire), within a generous limit: slow CI must not flake.
        limit = time.monotonic() + settle + 60
        while time.monotonic() < limit and not (
            _caught_up(trial) and all(trial.running(n, p.pid) for n, p in enumerate(procs))
        ):
            time.sleep(0.5)
        stopped = datetime.now(UTC)
    finally:
        trial.feeds.stop()
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        exits = []
        for proc in procs:
            try:
                exits.append(proc.wait(timeout=60))
            except subprocess.TimeoutExpired:
                proc.kill()
                exits.append(proc.wait())
    counts.clean_exits = sum(1 for code in exits if code == 0)
    _count(trial, counts, started, stopped, until_slot)
    return counts


def _caught_up(trial: Trial) -> bool:
    store = make_store(trial.store_url)
    try:
        stored = {s.id for s in store.recent_stories(limit=1_000_000)}
    finally:
        store.close()
    breaking = [p for p in read_posts(trial.record) if p["channel"] == trial.BREAKING]
    posted = {i for p in breaking for i in p["story_ids"]}
    return len(stored) == trial.feeds.made and stored <= posted


def _count(
    trial: Trial, counts: Counts, started: datetime, stopped: datetime, until_slot: bool
) -> None:
    posts = read_posts(trial.record)
    counts.posts = len(posts)
    counts.stories_made = trial.feeds.made
    counts.recoveries = trial.recoveries()
    keys = Counter((p["channel"], p["key"]) for p in posts)
    counts.duplicate_keys = sum(1 for c in keys.values() if c > 1)
    counts.details += [f"duplicate post {k}" for k, c in keys.items() if c > 1]
    store = make_store(trial.store_url)
    try:
        stored = {s.id for s in store.recent_stories(limit=1_000_000)}
    finally:
        store.close()
    counts.stories_stored = len(stored)
    for channel in [*trial.daily_channels, trial.BREAKING]:
        mine = [p for p in posts if p["channel"] == channel]
        seen = Counter(i for p in mine for i in p["story_ids"])
        repeated = [i for i, c in seen.items() if c > 1]
        missing = stored - set(seen)
        if channel in trial.daily_channels and not until_slot:
            missing = set()  # stories after the last slot wait for the next one
        counts.stories_repeated += len(repeated)
        counts.stories_missing += len(missing)
        counts.details += [f"{channel}: story {i} posted {seen[i]} times" for i in repeated]
        counts.details += [f"{channel}: story {i} never posted" for i in sorted(missing)]
        if channel == trial.BREAKING:
            counts.breaking_posts = len(mine)
            continue
        slots = Counter(p["key"] for p in mine if p["key"].startswith("briefing:"))
        if not slots or trial.daily_schedule != "* * * * *":
            counts.due_slots += len(slots)
            counts.slots_once += sum(1 for c in slots.values() if c == 1)
            continue
        due = _minute_slots(channel, min(slots), stopped)
        counts.due_slots += len(due)
        counts.slots_once += sum(1 for key in due if slots[key] == 1)
        lost = [key for key in due if key not in slots]
        counts.slots_missing += len(lost)
        counts.details += [f"{channel}: slot never posted: {key}" for key in lost]


def _minute_slots(channel: str, first_key: str, stopped: datetime) -> list[str]:
    stamp = first_key.removeprefix(f"briefing:{channel}:")
    first = datetime.strptime(stamp, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    # The last slot counted had a few seconds to be posted before the stop.
    last = (stopped - timedelta(seconds=5)).replace(second=0, microsecond=0)
    keys = []
    slot = first
    while slot <= last:
        keys.append(f"briefing:{channel}:{slot:%Y-%m-%dT%H:%MZ}")
        slot += timedelta(minutes=1)
    return keys


@contextmanager
def feeds_on_loopback(feeds: int, every: float) -> Iterator[StoryFeeds]:
    with FeedServer() as server:
        yield StoryFeeds(server, feeds, every)


def postgres_url() -> str | None:
    """A fresh schema in the local PostgreSQL test database, or None when unreachable."""
    import uuid

    import sqlalchemy as sa

    base = os.environ.get(
        "NEWSBRIEF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    try:
        engine = sa.create_engine(base, connect_args={"connect_timeout": 3})
        schema = f"nb_crash_{uuid.uuid4().hex[:8]}"
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    except Exception:  # unreachable: the PostgreSQL half is skipped
        return None
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def print_counts(name: str, c: Counts, seconds: float) -> None:
    print(f"\n== {name}: {c.processes} process(es), {c.kills} SIGKILLs, {seconds:.0f} s")
    rows = [
        ("due daily briefings (slots)", c.due_slots),
        ("  posted exactly once", c.slots_once),
        ("  never posted", c.slots_missing),
        ("keys posted more than once", c.duplicate_keys),
        ("breaking posts", c.breaking_posts),
        ("posts in all", c.posts),
        ("stories published", c.stories_made),
        ("stories stored", c.stories_stored),
        ("stories missing from a channel", c.stories_missing),
        ("stories repeated in a channel", c.stories_repeated),
        ("recovered after a kill (found, not reposted)", c.recoveries),
        ("clean exits on SIGTERM", f"{c.clean_exits}/{c.processes}"),
    ]
    for label, value in rows:
        print(f"  {label:<46} {value}")
    for line in c.details[:20]:
        print("  !", line)
    print("  RESULT:", "PASS" if c.ok else "FAIL")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--feeds", type=int, default=4)
    parser.add_argument("--daily", type=int, default=3)
    parser.add_argument("--story-every", type=float, default=1.5)
    args = parser.parse_args()
    results = []
    modes = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    for mode in modes:
        with tempfile.TemporaryDirectory(prefix="nb-crash-") as tmp:
            workdir = Path(tmp)
            if mode == "sqlite":
                url, processes = f"sqlite:///{workdir / 'store.db'}", 1
            else:
                pg = postgres_url()
                if pg is None:
                    print("\n== postgres: skipped, PostgreSQL not reachable")
                    continue
                url, processes = pg, 2
            with feeds_on_loopback(args.feeds, args.story_every) as feeds:
                trial = Trial(workdir, url, feeds, daily=args.daily)
                began = time.monotonic()

                def tick(k: int, mode: str = mode) -> None:
                    print(f"\r  {mode}: kill {k}/{args.kills}", end="", file=sys.stderr, flush=True)

                counts = run_trial(trial, kills=args.kills, processes=processes, progress=tick)
                print(file=sys.stderr)
                print_counts(mode, counts, time.monotonic() - began)
                results.append(counts.ok)
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
