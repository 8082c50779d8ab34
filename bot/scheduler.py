"""The scheduler: when to poll a feed and when a channel's briefing is due, and the loop.

Two halves, as in reader's "decider" style:

- pure functions of a clock reading (`due_slot`, `decide_poll`,
  `parse_retry_after`, `parse_max_age`, and `bot.cron`'s `first_slot` and
  `next_slot`): no I/O, tested with any ``now``;
- `Runner`, driven by an APScheduler ``AsyncIOScheduler`` tick: it claims due
  feeds and due deliveries from the store (leases, so several processes split
  the work) and runs them as tasks, which SIGTERM lets finish.

The schedules themselves live in the store (``feeds.next_poll_at``,
``channels.next_briefing_at``), not in APScheduler's memory: a restart picks
up exactly where the last process stopped, and a slot missed while the bot
was down is still pending, so it is posted once on start and the channel then
moves to its next slot after *now* (caught up once, never doubled).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import random
import re
import secrets
import socket
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.cron import next_slot
from bot.delivery import (
    Clock,
    Deliverer,
    Job,
    breaking_key,
    pause_notice_key,
    slot_key,
    system_clock,
)
from bot.domain import Briefing, Feed
from bot.errors import StoreError
from bot.ingest import IngestReport
from bot.ports import ChannelState, PruneReport
from bot.telemetry import metrics

log = logging.getLogger(__name__)
# Breaking posts for stories other processes stored are looked for this often.
BREAKING_RESCAN = timedelta(seconds=30)
HEARTBEAT_SECONDS = 30
# The feeds-by-state gauges (active, backoff, paused) are recounted this often.
FEED_GAUGE_SECONDS = 30
DRAIN_SECONDS = 60.0
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(minutes=30)
_RETRY_AFTER_IN_ERROR = re.compile(r"\(retry after ([^)]+)\)")
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)")
# A server asking for more than a day between polls is ignored beyond a day.
MAX_SERVER_DELAY = timedelta(days=1)
# With store.retention_days set, the runner prunes this often (first on its first tick).
PRUNE_EVERY = timedelta(days=1)
# Stories a dead process stored but never quoted are looked for this often (first tick first).
QUOTE_PENDING_EVERY = timedelta(minutes=10)
# Transactions of pruning per tick, PRUNE_BATCH rows each: a big first prune goes on
# over several ticks instead of holding up a stop.
PRUNE_BATCHES_PER_TICK = 20
PRUNE_BATCH = 500


# ---------------------------------------------------------------- the decider


def due_slot(channel: ChannelState, now: datetime) -> datetime | None:
    """The pending slot when it has come (however long ago), else None."""
    slot = channel.next_briefing_at
    return slot if slot is not None and slot <= now else None


@dataclass(frozen=True, slots=True)
class PollDecision:
    """When to poll a feed next, and whether failures have paused it."""

    next_poll_at: datetime
    pause: bool = False


def decide_poll(
    *,
    now: datetime,
    interval: timedelta,
    jitter: timedelta,
    failures: int,
    pause_after: int,
    max_backoff: timedelta,
    retry_after: timedelta | None = None,
    max_age: timedelta | None = None,
) -> PollDecision:
    """The next poll after one that ended at ``now`` with ``failures`` consecutive failures.

    Success: one ``interval`` (never before the server's max-age runs out).
    Failure: ``interval`` doubled per consecutive failure, up to ``max_backoff``
    (never before a Retry-After); at ``pause_after`` failures the feed pauses.
    ``jitter`` (drawn by the caller) spreads feeds that would fire together.
    """
    if failures >= pause_after:
        return PollDecision(now + max_backoff, pause=True)
    wait = interval
    if failures:
        wait = min(interval * (2 ** (failures - 1)), max(max_backoff, interval))
    server = retry_after if failures else max_age
    if server is not None:
        wait = max(wait, min(server, MAX_SERVER_DELAY))
    return PollDecision(now + wait + jitter)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as a delay: delta-seconds or an HTTP date; None when absent or garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


def parse_max_age(cache_control: str | None) -> timedelta | None:
    """Cache-Control's (s-)max-age as a delay; None when absent."""
    if not cache_control:
        return None
    found = _MAX_AGE.search(cache_control.lower())
    return timedelta(seconds=int(found.group(1))) if found else None


def server_delays(report: IngestReport, now: datetime) -> tuple[timedelta | None, timedelta | None]:
    """(Retry-After, max-age) the server sent with this poll, if any."""
    headers = report.fetch.headers if report.fetch is not None else {}
    retry = headers.get("retry-after")
    if retry is None and report.error:
        # The fetcher reports an HTTP error as a message carrying Retry-After.
        found = _RETRY_AFTER_IN_ERROR.search(report.error)
        retry = found.group(1) if found else None
    return parse_retry_after(retry, now), parse_max_age(headers.get("cache-control"))


def log_poll(report: IngestReport) -> None:
    """One line per poll: what it found, or why it failed; a debug line per new story."""
    ids = {"feed": report.feed_url}
    if report.status == "error":
        log.warning("poll failed (%s): %s", report.reason or "internal", report.error, extra=ids)
        return
    log.info("polled: %s, %d new stories", report.status, len(report.new_stories), extra=ids)
    for story in report.new_stories:
        log.debug("stored story: %s", story.title, extra={**ids, "story": story.id})


def feed_state(feed: Feed) -> str:
    """ "paused" by failures, in "backoff" while failing, else "active" (`FEED_STATES`)."""
    if feed.paused:
        return "paused"
    return "backoff" if feed.consecutive_failures else "active"


FEED_STATES = ("active", "backoff", "paused")


# ---------------------------------------------------------------- the runner


def process_id() -> str:
    """Who holds a lease: host, pid and a nonce (a recycled pid is another owner)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Runner:
    """Claims due work from the store on every tick and runs it as tasks.

    ``clock`` and ``rng`` are injected so tests drive time and jitter.
    """

    def __init__(
        self,
        app: App,
        *,
        owner: str | None = None,
        clock: Clock = system_clock,
        rng: random.Random | None = None,
    ) -> None:
        self.app = app
        self.settings = app.settings
        self.owner = owner or process_id()
        self.clock = clock
        self.rng = rng or random.Random()
        self.lease = timedelta(seconds=self.settings.run.lease_seconds)
        self.deliverer = Deliverer(
            app.store, app.adapter_for, owner=self.owner, lease=self.lease, clock=clock
        )
        self._intervals = {
            f.url: timedelta(minutes=f.poll_interval_minutes)
            for f in self.settings.feeds
            if f.poll_interval_minutes
        }
        self._tasks: set[asyncio.Task[Any]] = set()
        self._busy: set[str] = set()  # delivery keys in flight in this process
        # Refused deliveries: key -> (not before, failures); doubling waits, not a retry a tick.
        self._retry: dict[str, tuple[datetime, int]] = {}
        self._polling = 0
        self._feeds_in_flight: set[str] = set()
        self._new_stories = False
        self._last_breaking_scan: datetime | None = None
        self._stopping = False
        self._tick_lock = asyncio.Lock()
        self._next_prune: datetime | None = None  # None: on the first tick
        self._pruned = PruneReport()  # counts of a prune spread over several ticks
        self._pruning = False
        self._next_quote_pending: datetime | None = None  # None: on the first tick
        self._quoting_pending = False

    # ticks

    async def tick(self) -> None:
        """One round: start due polls, due deliveries, a due prune (nothing once stopping)."""
        async with self._tick_lock:
            if self._stopping:
                return
            await self.tick_polls()
            await self.tick_deliveries()
            self.tick_prune()
            self.tick_quote_pending()

    async def tick_polls(self) -> None:
        room = self.settings.ingest.concurrency - self._polling
        if room <= 0:
            return
        feeds = await asyncio.to_thread(
            self.app.store.claim_due_feeds,
            owner=self.owner,
            now=self.clock(),
            lease=self.lease,
            limit=room,
        )
        for feed in feeds:
            if feed.url in self._feeds_in_flight:
                continue  # still polling it from an earlier claim
            self._feeds_in_flight.add(feed.url)
            self._polling += 1
            self._spawn(self.poll(feed))

    async def poll(self, feed: Feed) -> None:
        """Poll one claimed feed, then schedule its next poll (or pause it).

        The poll must end within the lease, or another process could claim the
        feed and fetch it (and pay for its summaries) a second time.
        """
        try:
            async with asyncio.timeout(self.lease.total_seconds() * 0.9):
                [report] = await self.app.poll([feed], now=self.clock())
            log_poll(report)
            self._new_stories = self._new_stories or bool(report.new_stories)
            now = self.clock()
            retry_after, max_age = server_delays(report, now)
            ingest = self.settings.ingest
            decision = decide_poll(
                now=now,
                interval=self._intervals.get(feed.url)
                or timedelta(minutes=ingest.poll_interval_minutes),
                jitter=timedelta(seconds=self.rng.uniform(0, ingest.jitter_seconds)),
                failures=report.consecutive_failures,
                pause_after=ingest.pause_after_failures,
                max_backoff=timedelta(minutes=ingest.max_backoff_minutes),
                retry_after=retry_after,
                max_age=max_age,
            )
            if decision.pause:
                log.warning(
                    "feed %s paused after %d failures: %s",
                    feed.url,
                    report.consecutive_failures,
                    report.error,
                    extra={"feed": feed.url},
                )
            await asyncio.to_thread(
                self.app.store.finish_poll,
                feed.url,
                owner=self.owner,
                next_poll_at=decision.next_poll_at,
                pause_at=now if decision.pause else None,
            )
        except TimeoutError:
            log.warning(
                "polling %s outlasted its lease; it will be polled again",
                feed.url,
                extra={"feed": feed.url},
            )
        finally:
            self._polling -= 1
            self._feeds_in_flight.discard(feed.url)

    async def count_feeds(self) -> None:
        """Set the feeds-by-state gauges (``newsbrief_feeds``) from the store."""
        try:
            feeds = await asyncio.to_thread(self.app.store.list_feeds)
        except StoreError as exc:
            log.warning("feeds not counted for the metrics: %s", exc)
            return
        states = collections.Counter(feed_state(feed) for feed in feeds)
        for state in FEED_STATES:
            metrics().set("feeds", states[state], state=state)

    async def tick_deliveries(self) -> None:
        now = self.clock()
        store = self.app.store
        backfill = timedelta(hours=self.settings.briefing.backfill_hours)
        # Subscriptions made in chat get their backfill limit the first time we see them.
        await asyncio.to_thread(store.limit_new_backfill, now - backfill)
        states = await asyncio.to_thread(store.channel_states)
        scan_breaking = self._breaking_scan_due(now)
        for state in states:
            if not self._serves(state.id):
                continue  # another process (or a later config) serves this platform
            slot = due_slot(state, now)
            if slot is not None and state.schedule:
                self._start(self._slot_job(state, slot, now))
            if state.breaking and scan_breaking:
                for job in await asyncio.to_thread(self._breaking_jobs, state.id, now):
                    self._start(job)
        for job in await asyncio.to_thread(self._notice_jobs):
            self._start(job)

    def tick_prune(self) -> None:
        """Start a prune when ``store.retention_days`` is set and a day has passed since the last.

        It runs as a task, its store calls in a thread, so ticks go on meanwhile.
        """
        days = self.settings.store.retention_days
        if not days or self._pruning:
            return
        now = self.clock()
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + PRUNE_EVERY
        self._pruning = True
        self._spawn(self.prune(now - timedelta(days=days)))

    def tick_quote_pending(self) -> None:
        """Now and then, quote stories a process stored but died before quoting."""
        now = self.clock()
        if self._quoting_pending or (
            self._next_quote_pending is not None and now < self._next_quote_pending
        ):
            return
        self._next_quote_pending = now + QUOTE_PENDING_EVERY
        self._quoting_pending = True
        self._spawn(self.quote_pending(now))

    async def quote_pending(self, now: datetime) -> None:
        try:
            await self.app.quote_pending(now=now)
        except StoreError as exc:  # the store is down: the next round tries again
            log.warning("quoting pending stories failed: %s", exc)
        finally:
            self._quoting_pending = False

    async def prune(self, before: datetime) -> None:
        """Prune what is older than ``before``, `PRUNE_BATCHES_PER_TICK` transactions a
        tick until done (a stop never waits on a long first prune); a failure is logged
        and retried the next day."""
        try:
            part = await asyncio.to_thread(
                self.app.store.prune,
                before,
                batch=PRUNE_BATCH,
                max_batches=PRUNE_BATCHES_PER_TICK,
            )
            report = self._pruned = self._pruned + part
            if not report.complete:
                self._next_prune = None  # more to do: go on at the next tick
                return
            self._pruned = PruneReport()
        except Exception as exc:  # never the runner's end: the next prune is a day away
            self._pruned = PruneReport()
            log.warning(
                "pruning before %s failed (retried at %s): %s",
                f"{before:%Y-%m-%d %H:%M}",
                f"{self._next_prune:%Y-%m-%d %H:%M}" if self._next_prune else "the next tick",
                exc,
            )
        else:
            log.info(
                "pruned before %s: %d stories emptied, %d quotes, %d deliveries, "
                "%d briefing items, %d LLM cache entries deleted",
                f"{before:%Y-%m-%d %H:%M}",
                report.stories,
                report.quotes,
                report.deliveries,
                report.briefing_items,
                report.llm_cache,
            )
        finally:
            self._pruning = False

    def _slot_job(self, state: ChannelState, slot: datetime, now: datetime) -> Job:
        assert state.schedule is not None
        return Job(
            channel=state.id,
            key=slot_key(state.id, slot),
            compose=lambda: self.app.channel_briefing(
                state.id, now=self.clock(), last_briefing_at=state.last_briefing_at
            ),
            slot=slot,
            next_slot=next_slot(state.schedule, state.timezone, max(now, slot)),
        )

    def _breaking_jobs(self, channel: str, now: datetime) -> list[Job]:
        jobs = []
        for briefing in self.app.breaking_briefings(channel, now=now):
            lead = min(i for item in briefing.items for i in item.story_ids)
            jobs.append(
                Job(
                    channel=channel,
                    key=breaking_key(channel, lead),
                    compose=_constant(briefing),
                    kind="breaking",
                )
            )
        return jobs

    def _notice_jobs(self) -> list[Job]:
        store = self.app.store
        wanted: dict[str, Job] = {}
        for paused in store.paused_feeds():
            feed = paused.feed
            assert feed.id is not None
            for channel in paused.channels:
                key = pause_notice_key(channel, feed.id, paused.paused_at)
                notice = self.app.pause_notice(channel, feed, at=paused.paused_at)
                wanted[key] = Job(channel, key, _constant(notice), kind="notice")
        done = store.done_keys(wanted) if wanted else set()
        return [job for key, job in wanted.items() if key not in done]

    def _breaking_scan_due(self, now: datetime) -> bool:
        """Compose breaking posts when our polls found stories, or now and then for others'.

        Composing compares every unbriefed story with every other, so not every tick.
        """
        if self._new_stories or self._last_breaking_scan is None:
            due = True
        else:
            due = now - self._last_breaking_scan >= BREAKING_RESCAN
        if due:
            self._new_stories = False
            self._last_breaking_scan = now
        return due

    def _serves(self, channel: str) -> bool:
        return not self.app.adapters or channel.partition(":")[0] in self.app.adapters

    def _start(self, job: Job) -> None:
        if job.key in self._busy:
            return
        retry = self._retry.get(job.key)
        if retry is not None and self.clock() < retry[0]:
            return  # the platform refused it lately: wait before asking again
        if not self._serves(job.channel):
            return  # another process (or a later config) serves this platform
        self._busy.add(job.key)
        self._spawn(self._deliver(job))

    async def _deliver(self, job: Job) -> None:
        try:
            outcome = await self.deliverer.deliver(job)
            if outcome.status in ("posted", "recovered"):
                log.info(
                    "%s %s (%s)",
                    outcome.status,
                    job.key,
                    outcome.message_id,
                    extra={"channel": job.channel, "delivery_key": job.key},
                )
            if outcome.status == "failed":
                failures = self._retry.get(job.key, (self.clock(), 0))[1] + 1
                wait = min(RETRY_FIRST * 2 ** (failures - 1), RETRY_MAX)
                self._retry[job.key] = (self.clock() + wait, failures)
            else:
                self._retry.pop(job.key, None)
        finally:
            self._busy.discard(job.key)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("scheduled work failed", exc_info=task.exception())

    async def settle(self) -> None:
        """Wait until everything this runner started has finished (tests, benchmarks)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Start nothing new; wait for in-flight polls and deliveries (SIGTERM)."""
        self._stopping = True
        async with self._tick_lock:  # a tick half-way through finishes its claims first
            pass
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)


def _constant(briefing: Briefing) -> Callable[[], Briefing | None]:
    return lambda: briefing


# ---------------------------------------------------------------- wiring


def build_scheduler(runner: Runner) -> AsyncIOScheduler:
    """APScheduler drives the ticks; the store holds the schedules."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        runner.tick,
        IntervalTrigger(seconds=runner.settings.run.tick_seconds),
        id="tick",
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    scheduler.add_job(
        touch_heartbeat,
        IntervalTrigger(seconds=HEARTBEAT_SECONDS),
        args=(runner.settings.run.heartbeat_file,),
        id="heartbeat",
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        runner.count_feeds,
        IntervalTrigger(seconds=FEED_GAUGE_SECONDS),
        id="feed-gauges",
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
    )
    return scheduler


def touch_heartbeat(path: Path) -> None:
    path.touch()
