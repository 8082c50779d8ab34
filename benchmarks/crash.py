"""Crash test: `newsbrief run` killed with SIGKILL inside polls, deliveries and at random.

    .venv/bin/python benchmarks/crash.py [--kills 50] [--store sqlite|postgres|both]
                                         [--random-only]

Real `newsbrief run` processes (one on SQLite; two at once on PostgreSQL) poll
loopback feeds that gain a new story every ``--story-every`` seconds (each with
four attributed quotes) and post to a `FileRecordingAdapter` (a JSON-lines file
that plays the chat platform and outlives the bot; each post answers 0.3 s
late, so kills land between "posted" and "recorded" often). Channels:
``--daily`` channels briefed every minute (``post_empty``, so every slot must
produce exactly one post) and one breaking channel (every story posted on its
own). Kills go in turn to a process inside a poll (its feed's stories stored,
their quotes not yet saved), to one inside a delivery (the platform has the
post, the claim is still open), and at random (every 0.3-3 s); the victim is
restarted at once, ``--kills`` times. Then stories stop, the processes catch up
and run past the next minute slot, get SIGTERM, and must exit 0.

Counted afterwards: every due slot of every daily channel posted exactly once;
every story ingested and ending with its quotes; every story in exactly one post
per channel; how many aimed kills caught their window still open; recoveries
(a post found after a kill, recorded instead of reposted).
``tests/scheduling/test_run_process.py`` runs a small version of the same trial.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
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

import sqlalchemy as sa  # noqa: E402

from bot.store import make_store  # noqa: E402
from bot.testing import FeedServer, Route, read_posts  # noqa: E402

NEWSBRIEF = [sys.executable, "-m", "bot.cli"]
# Items per feed document: every story of a run. A bot that crash-loops under load for
# minutes would otherwise find stories gone from a short feed before any poll of it
# completed: a loss no bot can avoid, which would hide the ones this harness looks for.
# Ingest reads the newest 200 entries of a document (bot.ingest.parse.MAX_ENTRIES): a
# longer run needs more feeds (--feeds), not longer ones.
KEEP_ITEMS = 200


def _words(rng: random.Random, n: int) -> str:
    # Random letters: no two stories share shingles, so none merge as near-duplicates.
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(n))


def _quoted_text(rng: random.Random, n: int) -> str:
    """A story's text with four quotes by named people: every story must end with quotes.

    Names and words are random letters, so no two stories look alike (near-duplicates
    would be merged in a briefing).
    """

    def name() -> str:
        return _words(rng, 2).title()

    return f"Story {n}. " + " ".join(
        f"“{_words(rng, 9)},” said {name()}, the minister of {_words(rng, 1)}. "
        f"{_words(rng, 30)}. “{_words(rng, 7)},” {name()} added."
        for _ in range(4)
    )


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
                "description": _quoted_text(self._rng, n),
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

    def recoveries(self, how: str = "recovered ") -> int:
        return sum(p.read_text(errors="replace").count(how) for p in self.workdir.glob("run-*.log"))


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
    stories_waiting: int = 0  # stored, queued for the channel's next slot at the stop
    slots_coalesced: int = 0  # found late, briefed once in a later slot's post (by design)
    catch_up_seconds: float = 0.0
    stories_repeated: int = 0
    breaking_posts: int = 0
    recoveries: int = 0
    recovered_from_log: int = 0  # ...of which the delivery log had recorded as posted
    clean_exits: int = 0
    stories_unquoted: int = 0  # stored, but their quotes never saved (or saved empty)
    aimed_at_polls: int = 0  # kills aimed at a process between storing stories and quoting them
    landed_in_polls: int = 0  # ...that left stories stored and unquoted
    aimed_at_deliveries: int = 0  # kills aimed at a process that had posted, not yet recorded
    landed_in_deliveries: int = 0  # ...that left a post on the platform and its claim open
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.slots_missing == 0
            and self.duplicate_keys == 0
            and self.stories_missing == 0
            and self.stories_repeated == 0
            and self.stories_stored == self.stories_made
            and self.stories_unquoted == 0
            and self.clean_exits == self.processes
        )


def _pid_of(owner: str | None) -> int | None:
    """The pid in a lease owner ("HOST:PID:NONCE")."""
    try:
        return int((owner or "").rsplit(":", 2)[1])
    except (IndexError, ValueError):
        return None


class Sights:
    """Finds a live process inside a poll or a delivery, from what it left in the store.

    Inside a poll: stories stored but not yet quoted, of a feed the process holds
    the poll lease of. Inside a delivery: a post the platform has (a new line in the
    record file) whose claim that process still holds open. Either is the window a
    kill must not lose anything in; `landed` says whether the kill caught it still open.
    """

    def __init__(self, trial: Trial) -> None:
        self.trial = trial
        self.engine = sa.create_engine(trial.store_url)
        self.posts_seen = len(read_posts(trial.record))
        self.aimed_at: set[int] = set()  # stories left unquoted by an earlier kill: not a new poll

    def close(self) -> None:
        self.engine.dispose()

    def mid_poll(self, pids: set[int]) -> tuple[int, list[int]] | None:
        query = sa.text(
            "SELECT s.id, f.poll_claimed_by FROM stories s JOIN feeds f ON f.id = s.feed_id "
            "WHERE s.quotes_saved_at IS NULL AND s.pruned_at IS NULL"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        fresh = [r for r in rows if r.id not in self.aimed_at]
        for row in fresh:
            pid = _pid_of(row.poll_claimed_by)
            if pid in pids:
                stories = [r.id for r in fresh if _pid_of(r.poll_claimed_by) == pid]
                self.aimed_at.update(stories)
                return pid, stories
        return None

    def mid_delivery(self, pids: set[int]) -> tuple[int, str] | None:
        posts = read_posts(self.trial.record)
        fresh, self.posts_seen = posts[self.posts_seen :], len(posts)
        for post in fresh:
            owner = self._open_claim(post["key"])
            if _pid_of(owner) in pids:
                return _pid_of(owner) or 0, post["key"]
        return None

    def _open_claim(self, key: str) -> str | None:
        query = sa.text(
            "SELECT claimed_by FROM deliveries WHERE idempotency_key = :key AND status = 'claimed'"
        )
        with self.engine.connect() as conn:
            owner = conn.execute(query, {"key": key}).scalar()
        return None if owner is None else str(owner)

    def unquoted(self, story_ids: list[int]) -> bool:
        query = sa.text(
            "SELECT count(*) FROM stories WHERE quotes_saved_at IS NULL AND id IN :ids"
        ).bindparams(sa.bindparam("ids", expanding=True))
        with self.engine.connect() as conn:
            return bool(conn.execute(query, {"ids": story_ids}).scalar())

    def still_open(self, key: str) -> bool:
        return self._open_claim(key) is not None

    def aim(
        self, kind: str, procs: list[subprocess.Popen[bytes]], timeout: float
    ) -> tuple[int, Any] | None:
        """(index of the process to kill, what to check after) once one is inside a ``kind``."""
        deadline = time.monotonic() + timeout
        if kind == "delivery":
            self.posts_seen = len(read_posts(self.trial.record))  # only posts from now on
        while time.monotonic() < deadline:
            pids = {p.pid for p in procs if p.poll() is None}
            try:
                found = self.mid_poll(pids) if kind == "poll" else self.mid_delivery(pids)
            except sa.exc.DBAPIError:  # not migrated yet, or a lock: look again
                found = None
            if found is not None:
                pid, what = found
                return next(n for n, p in enumerate(procs) if p.pid == pid), what
            time.sleep(0.005)
        return None


AIMS = ("poll", "delivery", "random")


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
    aim: bool = False,
) -> Counts:
    """Run ``processes`` bots, SIGKILL one ``kills`` times, stop them, count.

    Kills fall at random times; with ``aim``, two in three are aimed instead: in
    turn at a process inside a poll (stories stored, quotes not yet saved) and at
    one inside a delivery (posted, not yet recorded), found by `Sights`.
    """
    rng = random.Random(seed)
    procs = [trial.start(n) for n in range(processes)]
    started = datetime.now(UTC)
    trial.feeds.start()
    counts = Counts(processes=processes)
    sights = Sights(trial)
    try:
        for k in range(kills):
            kind = AIMS[k % len(AIMS)] if aim else "random"
            target = None
            if kind != "random":  # once every process is up (a loaded machine starts slowly)
                _wait(lambda: all(trial.running(n, p.pid) for n, p in enumerate(procs)), 60)
                target = sights.aim(kind, procs, timeout=gap[1] * 10)
            if target is None:
                time.sleep(rng.uniform(*gap))
                target = (rng.randrange(processes), None)
            victim, what = target
            procs[victim].send_signal(signal.SIGKILL)
            procs[victim].wait()
            if kind == "poll" and what is not None:
                counts.aimed_at_polls += 1
                counts.landed_in_polls += sights.unquoted(what)
            elif kind == "delivery" and what is not None:
                counts.aimed_at_deliveries += 1
                counts.landed_in_deliveries += sights.still_open(what)
            procs[victim] = trial.start(victim)
            counts.kills += 1
            if progress is not None:
                progress(k + 1)
        trial.feeds.stop()

        def caught_up() -> bool:
            # Every story stored, quoted and breaking-posted (a last kill may have left
            # leases to expire), every process up; within a generous limit: slow CI
            # (or a loaded machine) must not flake.
            up = all(trial.running(n, p.pid) for n, p in enumerate(procs))
            return up and _caught_up(trial)

        catch_up = time.monotonic()
        _wait_while_progressing(caught_up, lambda: _progress(trial), settle + 60)
        if until_slot:  # run past the next slot so every story has a briefing to be in
            stories_done = datetime.now(UTC)
            nxt = stories_done.replace(second=0, microsecond=0) + timedelta(minutes=1)
            time.sleep(max((nxt - datetime.now(UTC)).total_seconds(), 0) + settle)
            _wait_while_progressing(caught_up, lambda: _progress(trial), settle + 60)
        counts.catch_up_seconds = time.monotonic() - catch_up
        stopped = datetime.now(UTC)
    finally:
        sights.close()
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


def _wait(check: Any, seconds: float) -> None:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit and not check():
        time.sleep(0.5)


def _wait_while_progressing(
    check: Any, progress: Any, quiet: float, ceiling: float = 1800.0
) -> None:
    """Wait until ``check()``; give up only after ``quiet`` seconds without ``progress()``
    changing (a loaded machine catches up slowly but surely; a stuck bot does not)."""
    limit = time.monotonic() + ceiling
    last, since = progress(), time.monotonic()
    while time.monotonic() < limit and not check():
        time.sleep(0.5)
        now = progress()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > quiet:
            return


def _progress(trial: Trial) -> tuple[int, int, int]:
    """Stories stored, unquoted, and breaking-posted: what catching up changes (the
    daily channels post every minute, caught up or not, so their posts are not counted)."""
    store = make_store(trial.store_url)
    try:
        stored = len(store.recent_stories(limit=1_000_000))
    finally:
        store.close()
    breaking = [p for p in read_posts(trial.record) if p["channel"] == trial.BREAKING]
    return stored, len(_unquoted(trial)), sum(len(p["story_ids"]) for p in breaking)


def _caught_up(trial: Trial) -> bool:
    store = make_store(trial.store_url)
    try:
        stored = {s.id for s in store.recent_stories(limit=1_000_000)}
    finally:
        store.close()
    breaking = [p for p in read_posts(trial.record) if p["channel"] == trial.BREAKING]
    posted = {i for p in breaking for i in p["story_ids"]}
    return len(stored) == trial.feeds.made and stored <= posted and not _unquoted(trial)


def _unquoted(trial: Trial) -> list[int]:
    """Stored stories whose quotes were never saved, or were saved empty (each has four)."""
    query = sa.text(
        "SELECT s.id FROM stories s WHERE s.quotes_saved_at IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM quotes q WHERE q.story_id = s.id) ORDER BY s.id"
    )
    engine = sa.create_engine(trial.store_url)
    try:
        with engine.connect() as conn:
            return [int(i) for i in conn.execute(query).scalars()]
    finally:
        engine.dispose()


def _count(
    trial: Trial, counts: Counts, started: datetime, stopped: datetime, until_slot: bool
) -> None:
    posts = read_posts(trial.record)
    counts.posts = len(posts)
    counts.stories_made = trial.feeds.made
    counts.recoveries = trial.recoveries()
    counts.recovered_from_log = trial.recoveries("(its messages were recorded)")
    keys = Counter((p["channel"], p["key"]) for p in posts)
    counts.duplicate_keys = sum(1 for c in keys.values() if c > 1)
    counts.details += [f"duplicate post {k}" for k, c in keys.items() if c > 1]
    store = make_store(trial.store_url)
    try:
        stored = {s.id for s in store.recent_stories(limit=1_000_000)}
        queued = {
            channel: {
                row.story.id
                for row in store.unbriefed_stories(channel, since=None, limit=1_000_000)
            }
            for channel in trial.daily_channels
        }
    finally:
        store.close()
    counts.stories_stored = len(stored)
    unquoted = _unquoted(trial)
    counts.stories_unquoted = len(unquoted)
    counts.details += [f"story {i} has no quotes" for i in unquoted]
    for channel in [*trial.daily_channels, trial.BREAKING]:
        mine = [p for p in posts if p["channel"] == channel]
        seen = Counter(i for p in mine for i in p["story_ids"])
        repeated = [i for i, c in seen.items() if c > 1]
        missing = stored - set(seen)
        if channel in trial.daily_channels and not until_slot:
            missing = set()  # stories after the last slot wait for the next one
        elif channel in trial.daily_channels:
            # past the briefing's max_stories, or after the last slot: the next slot's
            waiting = missing & queued[channel]
            counts.stories_waiting += len(waiting)
            missing -= waiting
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
        skipped = [key for key in due if key not in slots]
        # A slot found late (the bot down or lagging past the next one) is briefed once,
        # in the post of the slot it was found in: coalesced by design, nothing lost as
        # long as a later slot posted (and every story reached the channel, counted above).
        later = max(slots)
        coalesced = [key for key in skipped if key < later]
        lost = [key for key in skipped if key >= later]
        counts.slots_coalesced += len(coalesced)
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
        ("  found late, briefed in a later slot's post", c.slots_coalesced),
        ("  never posted", c.slots_missing),
        ("keys posted more than once", c.duplicate_keys),
        ("breaking posts", c.breaking_posts),
        ("posts in all", c.posts),
        ("stories published", c.stories_made),
        ("stories stored", c.stories_stored),
        ("stories without their quotes", c.stories_unquoted),
        ("kills aimed inside a poll (stored, not quoted)", c.aimed_at_polls),
        ("  ...that left stories unquoted", c.landed_in_polls),
        ("kills aimed inside a delivery (posted, claim open)", c.aimed_at_deliveries),
        ("  ...that left the post unrecorded", c.landed_in_deliveries),
        ("stories missing from a channel", c.stories_missing),
        ("stories queued for a channel's next slot", c.stories_waiting),
        ("catch-up after the last kill (s)", f"{c.catch_up_seconds:.0f}"),
        ("stories repeated in a channel", c.stories_repeated),
        ("recovered after a kill (found, not reposted)", c.recoveries),
        ("  ...from the delivery log, no platform search", c.recovered_from_log),
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
    parser.add_argument(
        "--random-only", action="store_true", help="no kills aimed inside polls and deliveries"
    )
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

                counts = run_trial(
                    trial,
                    kills=args.kills,
                    processes=processes,
                    progress=tick,
                    aim=not args.random_only,
                )
                print(file=sys.stderr)
                print_counts(mode, counts, time.monotonic() - began)
                results.append(counts.ok)
                if not counts.ok:  # the logs and the record say why: keep them
                    kept = Path(tempfile.mkdtemp(prefix=f"nb-crash-failed-{mode}-"))
                    shutil.copytree(workdir, kept, dirs_exist_ok=True)
                    print(f"  logs, record and store kept in {kept}")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
